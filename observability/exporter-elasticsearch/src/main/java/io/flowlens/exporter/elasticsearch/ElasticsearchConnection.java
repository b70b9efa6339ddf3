package io.flowlens.exporter.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.instrumentation.NoopInstrumentation;
import co.elastic.clients.transport.rest5_client.Rest5ClientOptions;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import co.elastic.clients.transport.rest5_client.low_level.Rest5ClientBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * Where Elasticsearch is and how to log in: the endpoint (or the endpoints of a cluster's nodes), optional basic-auth
 * user and password, optional CA file for TLS. Builds {@link ElasticsearchClient}s for the span exporter and the
 * analytics CLI; with several endpoints the client spreads requests over them and fails over when one is down.
 *
 * <p>The client's own OpenTelemetry instrumentation is switched off: the exporter's bulk requests would otherwise be
 * traced, exported, and traced again. {@link #toString()} never shows the password.
 */
public final class ElasticsearchConnection {

    private final List<URI> endpoints;
    private final String username;
    private final String password;
    private final Path caFile;

    /**
     * @param endpoint e.g. {@code http://127.0.0.1:9200}
     * @param username empty for an unsecured cluster
     * @param password used only with a username
     * @param caFile   PEM file of the CA that signed the cluster's certificate, empty for the JDK's trust store
     */
    public ElasticsearchConnection(URI endpoint, Optional<String> username, Optional<String> password,
                                   Optional<Path> caFile) {
        this(List.of(endpoint), username, password, caFile);
    }

    /**
     * @param endpoints the nodes of one cluster, e.g. from {@link #endpoints(String)}; at least one
     * @throws IllegalArgumentException when there is none
     */
    public ElasticsearchConnection(List<URI> endpoints, Optional<String> username, Optional<String> password,
                                   Optional<Path> caFile) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one Elasticsearch endpoint is needed");
        }
        this.endpoints = List.copyOf(endpoints);
        // bin/services.sh passes every key, blank when the stack is not secured: blank means "none"
        this.username = username.filter(name -> !name.isBlank()).orElse(null);
        this.password = password.orElse("");
        this.caFile = caFile.filter(file -> !file.toString().isBlank()).orElse(null);
    }

    public static ElasticsearchConnection unsecured(URI endpoint) {
        return new ElasticsearchConnection(endpoint, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The endpoints of a comma-separated list such as {@code http://127.0.0.1:9200,http://127.0.0.1:9201}: one
     * configuration value (an environment variable, a MicroProfile Config key) names every node of a cluster.
     *
     * @throws IllegalArgumentException when the list names no endpoint or one is not a URI
     */
    public static List<URI> endpoints(String commaSeparated) {
        List<URI> endpoints = Arrays.stream(commaSeparated.split(",")).map(String::strip)
                .filter(endpoint -> !endpoint.isEmpty()).map(URI::create).toList();
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no Elasticsearch endpoint in '" + commaSeparated + "'");
        }
        return endpoints;
    }

    /** The first endpoint: the one a single-node setup has. */
    public URI endpoint() {
        return endpoints.getFirst();
    }

    public List<URI> endpoints() {
        return endpoints;
    }

    /** A client whose calls are not traced; close it with {@code client._transport().close()}. */
    public ElasticsearchClient open() {
        Rest5ClientBuilder builder = Rest5Client.builder(endpoints.stream().map(HttpHost::create)
                .toArray(HttpHost[]::new));
        if (username != null) {
            String token = Base64.getEncoder()
                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "Basic " + token)});
        }
        if (caFile != null) {
            builder.setSSLContext(trusting(caFile));
        }
        Rest5ClientTransport transport = new Rest5ClientTransport(builder.build(), new JacksonJsonpMapper(),
                Rest5ClientOptions.of(null), NoopInstrumentation.INSTANCE);
        return new ElasticsearchClient(transport);
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream pem = Files.newInputStream(caFile)) {
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                trustStore.setCertificateEntry("ca-" + index++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Elasticsearch CA file " + caFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot trust the Elasticsearch CA file " + caFile, e);
        }
    }

    @Override
    public String toString() {
        return endpoints.stream().map(URI::toString).collect(Collectors.joining(","))
                + (username == null ? "" : " as " + username) + (caFile == null ? "" : " (CA " + caFile + ")");
    }
}
