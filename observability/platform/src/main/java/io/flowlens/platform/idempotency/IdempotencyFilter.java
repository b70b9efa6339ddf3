package io.flowlens.platform.idempotency;

import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.platform.problem.ProblemException;
import io.flowlens.platform.problem.Problems;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code Idempotency-Key} for every POST (and the paths in {@code flowlens.idempotency.paths}): the first request
 * with a key runs and its answer is stored in the service's database; a repeat with the same key and request gets
 * that answer again and changes nothing, the same key with another request is 422, and a repeat while the first
 * still runs is 409. The key row is inserted before the work, so of concurrent duplicates exactly one runs. A 5xx
 * answer is not kept, so the client may retry it.
 */
@Provider
@ApplicationScoped
@Priority(Priorities.USER)
public class IdempotencyFilter implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    /** Problem type of a repeat that arrives while the first request with its key still runs; callers may retry. */
    public static final String IN_PROGRESS = "idempotency-in-progress";
    private static final String KEY_PROPERTY = IdempotencyFilter.class.getName() + ".key";
    private static final String TABLE = "idempotency_keys";
    private static final Pattern VALID_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    private final TracedDatabase database;
    private final Optional<Pattern> extraPaths;
    private final Jsonb jsonb = JsonbBuilder.create();

    @Inject
    public IdempotencyFilter(TracedDatabase database,
                             @ConfigProperty(name = "flowlens.idempotency.paths") Optional<String> extraPaths) {
        this.database = database;
        this.extraPaths = extraPaths.map(Pattern::compile);
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        String key = request.getHeaderString(HEADER);
        // blank counts as absent: the MicroProfile REST client sends an empty header for a null parameter
        if (key == null || key.isBlank() || !applies(request)) {
            return;
        }
        if (!VALID_KEY.matcher(key).matches()) {
            request.abortWith(problem(request, 400, "validation", "Request validation failed",
                    HEADER + " must be 1 to 200 letters, digits or . _ : -"));
            return;
        }
        byte[] body = request.hasEntity() ? request.getEntityStream().readAllBytes() : new byte[0];
        request.setEntityStream(new ByteArrayInputStream(body));
        String hash = hash(request, body);
        // insert-if-absent keeps the usual repeat out of the error path; two racing firsts still meet the primary key
        boolean first;
        try {
            first = database.update(TABLE, "INSERT INTO idempotency_keys (idempotency_key, request_hash, created_at)"
                    + " SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE idempotency_key = ?)",
                    statement -> {
                        statement.setString(1, key);
                        statement.setString(2, hash);
                        statement.setTimestamp(3, Timestamp.from(Instant.now()));
                        statement.setString(4, key);
                    }) == 1;
        } catch (ProblemException taken) {
            if (taken.status() != 409) {
                throw taken;
            }
            first = false;
        }
        if (first) {
            request.setProperty(KEY_PROPERTY, key);
        } else {
            request.abortWith(answerForRepeat(request, key, hash));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(KEY_PROPERTY) instanceof String key)) {
            return;
        }
        if (response.getStatus() >= 500) {
            // nothing reliable happened: let the client retry with the same key
            database.update(TABLE, "DELETE FROM idempotency_keys WHERE idempotency_key = ?", s -> s.setString(1, key));
            return;
        }
        Object entity = response.getEntity();
        String body = entity == null ? null : entity instanceof String text ? text : jsonb.toJson(entity);
        Object location = response.getHeaders().getFirst(HttpHeaders.LOCATION);
        database.update(TABLE, "UPDATE idempotency_keys SET status = ?, content_type = ?, location = ?, body = ?"
                + " WHERE idempotency_key = ?", statement -> {
                    statement.setInt(1, response.getStatus());
                    statement.setString(2, response.getMediaType() == null ? null : response.getMediaType().toString());
                    statement.setString(3, location == null ? null : location.toString());
                    if (body == null) {
                        statement.setNull(4, Types.VARCHAR);
                    } else {
                        statement.setString(4, body);
                    }
                    statement.setString(5, key);
                });
    }

    private boolean applies(ContainerRequestContext request) {
        return HttpMethod.POST.equals(request.getMethod())
                || extraPaths.map(p -> p.matcher(request.getUriInfo().getPath()).matches()).orElse(false);
    }

    private Response answerForRepeat(ContainerRequestContext request, String key, String hash) {
        record Stored(String hash, Integer status, String contentType, String location, String body) {
        }
        Optional<Stored> stored = database.queryOne(TABLE, "SELECT request_hash, status, content_type, location, body"
                + " FROM idempotency_keys WHERE idempotency_key = ?", s -> s.setString(1, key), row -> {
                    int status = row.getInt("status");
                    Integer finished = row.wasNull() ? null : status; // wasNull speaks of the last column read
                    return new Stored(row.getString("request_hash"), finished,
                            row.getString("content_type"), row.getString("location"), row.getString("body"));
                });
        if (stored.isEmpty()) {
            // the first request failed with a 5xx between our insert and this read: ask for a retry
            return problem(request, 409, IN_PROGRESS, "Request in progress",
                    "the first request with this " + HEADER + " has not finished; retry later");
        }
        Stored first = stored.get();
        if (!first.hash().equals(hash)) {
            return problem(request, 422, "idempotency-key-reused", "Idempotency-Key reused",
                    HEADER + " '" + key + "' was used for a different request");
        }
        if (first.status() == null) {
            return problem(request, 409, IN_PROGRESS, "Request in progress",
                    "the first request with this " + HEADER + " has not finished; retry later");
        }
        Response.ResponseBuilder replay = Response.status(first.status()).header(REPLAYED, "true");
        if (first.body() != null) {
            replay.entity(first.body()).type(first.contentType());
        }
        if (first.location() != null) {
            replay.header(HttpHeaders.LOCATION, first.location());
        }
        return replay.build();
    }

    private static Response problem(ContainerRequestContext request, int status, String type, String title, String detail) {
        return Problems.response(status, type, title, detail, null, request.getUriInfo(), null);
    }

    private static String hash(ContainerRequestContext request, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((request.getMethod() + " " + request.getUriInfo().getRequestUri().getRawPath() + "?"
                    + request.getUriInfo().getRequestUri().getRawQuery() + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
