package io.flowlens.platform.idempotency;

import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.platform.db.UnitOfWork;
import io.flowlens.platform.problem.ProblemException;
import io.flowlens.platform.problem.Problems;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
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
 * still runs is 409. A 5xx answer is not kept, so the client may retry it.
 * <p>
 * How the key is claimed, so that of concurrent duplicates exactly one runs:
 * <ul>
 * <li>By default the claim is the first write of the request's own transaction, with its work and the stored answer:
 * one commit, and a crash leaves nothing. A repeat meets the claimed row's lock and waits for the first to end
 * ({@code flowlens.db.lock-timeout-ms} at most, then 409): it then replays the answer, or runs if the first failed.
 * For work that stays in the database, as in users, orders and payments.</li>
 * <li>With {@code flowlens.idempotency.claim-commits-first=true} the claim commits on its own before the work, with a
 * lease ({@code flowlens.idempotency.lease}): a repeat is told 409 at once, and a holder that crashed blocks retries
 * only until its lease lapses. For work that calls other services, as in the orchestrator, which must hold neither a
 * row lock nor a connection across those calls. The work's writes and the stored answer are still one transaction,
 * committed only while the lease is ours, so a holder whose lease was taken over writes nothing.</li>
 * </ul>
 * A key committed in progress by a leased claim (or an older version) is taken over once its lease lapses, either way.
 */
@Provider
@ApplicationScoped
// after the telemetry filter (USER) on the way in and before it on the way out: the transaction's span and scope
// nest inside the request's server span
@Priority(Priorities.USER + 100)
public class IdempotencyFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Logger LOGGER = Logger.getLogger(IdempotencyFilter.class.getName());

    public static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    /** Problem type of a repeat that arrives while the first request with its key still runs; callers may retry. */
    public static final String IN_PROGRESS = "idempotency-in-progress";
    private static final String CLAIM_PROPERTY = IdempotencyFilter.class.getName() + ".claim";
    private static final String TABLE = "idempotency_keys";
    private static final Pattern VALID_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    private final TracedDatabase database;
    private final Optional<Pattern> extraPaths;
    private final Duration lease;
    private final boolean claimCommitsFirst;
    private final Jsonb jsonb = JsonbBuilder.create();

    /** The key this request holds, the token of its lease and the transaction of its work. */
    private record Claim(String key, String token, UnitOfWork unit) {
    }

    @Inject
    public IdempotencyFilter(TracedDatabase database,
                             @ConfigProperty(name = "flowlens.idempotency.paths") Optional<String> extraPaths,
                             @ConfigProperty(name = "flowlens.idempotency.lease", defaultValue = "PT1M") Duration lease,
                             @ConfigProperty(name = "flowlens.idempotency.claim-commits-first", defaultValue = "false")
                             boolean claimCommitsFirst) {
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalStateException("flowlens.idempotency.lease must be positive, not " + lease);
        }
        this.database = database;
        this.extraPaths = extraPaths.map(Pattern::compile);
        this.lease = lease;
        this.claimCommitsFirst = claimCommitsFirst;
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        String key = request.getHeaderString(HEADER);
        // blank counts as absent: the MicroProfile REST client sends an empty header for a null parameter
        if (key == null || key.isBlank() || !applies(request)) {
            return;
        }
        if (!VALID_KEY.matcher(key).matches()) {
            request.abortWith(Problems.response(
                    ProblemException.invalid(HEADER, "must be 1 to 200 letters, digits or . _ : -"), request.getUriInfo()));
            return;
        }
        byte[] body = request.hasEntity() ? request.getEntityStream().readAllBytes() : new byte[0];
        request.setEntityStream(new ByteArrayInputStream(body));
        String hash = hash(request, body);
        String token = UUID.randomUUID().toString();
        if (claimCommitsFirst) {
            if (claim(key, hash, token)) {
                request.setProperty(CLAIM_PROPERTY, new Claim(key, token, database.begin()));
            } else {
                request.abortWith(answerForRepeat(request, key, hash));
            }
            return;
        }
        UnitOfWork unit = database.begin();
        boolean claimed;
        try {
            claimed = claim(key, hash, token);
        } catch (RuntimeException failed) {
            unit.rollback();
            if (failed instanceof ProblemException locked && TracedDatabase.ROW_LOCKED.equals(locked.type())) {
                // the first request with this key still holds it after the lock timeout
                request.abortWith(inProgress(request));
                return;
            }
            throw failed;
        }
        if (claimed) {
            request.setProperty(CLAIM_PROPERTY, new Claim(key, token, unit));
        } else {
            // the key is taken: read its answer after the rollback (on PostgreSQL a failed insert ends the transaction)
            unit.rollback();
            request.abortWith(answerForRepeat(request, key, hash));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(CLAIM_PROPERTY) instanceof Claim claim)) {
            return;
        }
        request.removeProperty(CLAIM_PROPERTY);
        try {
            if (response.getStatus() >= 500) {
                // nothing reliable happened: undo the work and let the client retry with the same key
                claim.unit().rollback();
                releaseCommittedClaim(claim);
                return;
            }
            if (storeAnswer(claim, response)) {
                claim.unit().commit();
            } else {
                claim.unit().rollback();
                replace(response, problem(request, 409, IN_PROGRESS, "Request in progress",
                        "this request's hold on its " + HEADER + " lapsed and another request took it over; retry later"));
            }
        } catch (ProblemException failed) {
            claim.unit().rollback();
            releaseCommittedClaim(claim);
            replace(response, Problems.response(failed, request.getUriInfo()));
        } finally {
            claim.unit().rollback(); // no-op after a commit; never leave the connection bound to the thread
        }
    }

    /**
     * Inserts the key with a fresh lease, or takes over a lease that lapsed (its holder crashed or hangs) for the same
     * request; insert-if-absent keeps the usual repeat out of the error path, and two racing firsts still meet the
     * primary key.
     */
    private boolean claim(String key, String hash, String token) {
        Instant now = Instant.now();
        Timestamp until = Timestamp.from(now.plus(lease));
        try {
            if (database.update(TABLE, "INSERT INTO idempotency_keys (idempotency_key, request_hash, lease_token,"
                    + " lease_until, created_at) SELECT ?, ?, ?, ?, ?"
                    + " WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE idempotency_key = ?)", statement -> {
                        statement.setString(1, key);
                        statement.setString(2, hash);
                        statement.setString(3, token);
                        statement.setTimestamp(4, until);
                        statement.setTimestamp(5, Timestamp.from(now));
                        statement.setString(6, key);
                    }) == 1) {
                return true;
            }
        } catch (ProblemException taken) {
            if (taken.status() != 409) {
                throw taken;
            }
            return false;
        }
        // a key from before leases has no lease_until: its holder is long gone
        return database.update(TABLE, "UPDATE idempotency_keys SET lease_token = ?, lease_until = ?"
                + " WHERE idempotency_key = ? AND request_hash = ? AND status IS NULL"
                + " AND (lease_until IS NULL OR lease_until < ?)", statement -> {
                    statement.setString(1, token);
                    statement.setTimestamp(2, until);
                    statement.setString(3, key);
                    statement.setString(4, hash);
                    statement.setTimestamp(5, Timestamp.from(now));
                }) == 1;
    }

    /** Stores the answer in the claim's transaction; false when the lease is no longer ours. */
    private boolean storeAnswer(Claim claim, ContainerResponseContext response) {
        Object entity = response.getEntity();
        String body = entity == null ? null : entity instanceof String text ? text : jsonb.toJson(entity);
        Object location = response.getHeaders().getFirst(HttpHeaders.LOCATION);
        return database.update(TABLE, "UPDATE idempotency_keys SET status = ?, content_type = ?, location = ?, body = ?,"
                + " lease_token = NULL, lease_until = NULL WHERE idempotency_key = ? AND lease_token = ?", statement -> {
                    statement.setInt(1, response.getStatus());
                    statement.setString(2, response.getMediaType() == null ? null : response.getMediaType().toString());
                    statement.setString(3, location == null ? null : location.toString());
                    if (body == null) {
                        statement.setNull(4, Types.VARCHAR);
                    } else {
                        statement.setString(4, body);
                    }
                    statement.setString(5, claim.key());
                    statement.setString(6, claim.token());
                }) == 1;
    }

    /** A claim in the work's transaction went with its rollback; one that committed first is deleted. */
    private void releaseCommittedClaim(Claim claim) {
        if (claimCommitsFirst) {
            release(claim);
        }
    }

    /**
     * Gives the key back so the client's retry runs at once. Best effort: this runs after the answer was mapped, so a
     * failure here must not escape (Jersey could no longer answer at all); when the database is gone the key keeps
     * its lease, and the retry takes it over once the lease lapses.
     */
    private void release(Claim claim) {
        try {
            database.update(TABLE, "DELETE FROM idempotency_keys WHERE idempotency_key = ? AND lease_token = ?",
                    statement -> {
                        statement.setString(1, claim.key());
                        statement.setString(2, claim.token());
                    });
        } catch (ProblemException e) {
            LOGGER.log(Level.WARNING, () -> "cannot release " + HEADER + " " + claim.key() + " (" + e.getMessage()
                    + "); a retry takes it over when its lease of " + lease + " lapses");
        }
    }

    private static void replace(ContainerResponseContext response, Response problem) {
        response.setStatus(problem.getStatus());
        response.getHeaders().remove(HttpHeaders.LOCATION);
        response.setEntity(problem.getEntity(), response.getEntityAnnotations(), problem.getMediaType());
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
            return inProgress(request);
        }
        Stored first = stored.get();
        if (!first.hash().equals(hash)) {
            return problem(request, 422, "idempotency-key-reused", "Idempotency-Key reused",
                    HEADER + " '" + key + "' was used for a different request");
        }
        if (first.status() == null) {
            return inProgress(request);
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

    private static Response inProgress(ContainerRequestContext request) {
        return problem(request, 409, IN_PROGRESS, "Request in progress",
                "the first request with this " + HEADER + " has not finished; retry later");
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
