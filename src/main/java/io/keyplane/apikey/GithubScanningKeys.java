package io.keyplane.apikey;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * GitHub secret scanning's signing keys (API.md 10.1), fetched from {@code KEYPLANE_GITHUB_SCANNING_KEYS_URL} (a
 * JSON {@code {"public_keys": [{"key_identifier", "key" (PEM), "is_current"}]}}) when first needed, again after an
 * hour, and at most once a minute when a report names a key not seen yet (GitHub rotating its key; a forger
 * naming random identifiers costs one fetch a minute). A report's signature is ECDSA P-256 with SHA-256 over the
 * raw body, base64 of its DER form, in {@code Github-Public-Key-Signature}.
 */
@Singleton
public class GithubScanningKeys {

    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REFRESH_AFTER = Duration.ofHours(1);
    static final Duration REFETCH_UNKNOWN_AFTER = Duration.ofMinutes(1);
    static final int MAX_KEYS_DOCUMENT = 256 * 1024;

    private record Keys(Map<String, PublicKey> byIdentifier, long fetchedAtNanos) {
        boolean olderThan(Duration age) {
            return System.nanoTime() - fetchedAtNanos > age.toNanos();
        }
    }

    private static final Keys NONE = new Keys(Map.of(), System.nanoTime() - REFRESH_AFTER.toNanos() * 2);

    private final HttpClient client;
    private final ObjectMapper json;
    private final String url;
    private volatile Keys keys = NONE;
    /** The fetch under way, shared by every report that waits for it. */
    private final AtomicReference<Uni<Keys>> fetching = new AtomicReference<>();

    @Inject
    GithubScanningKeys(Vertx vertx, ObjectMapper json, KeyplaneConfig config) {
        this.json = json;
        this.url = config.githubScanningKeysUrl();
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) FETCH_TIMEOUT.toMillis())
                .setVerifyHost(true).setMaxPoolSize(1));
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }

    /**
     * Succeeds when {@code signature} is GitHub's signature of {@code body} with the key {@code identifier}; else
     * 401 invalid_signature. 503 when GitHub's keys cannot be fetched (GitHub retries its report).
     */
    public Uni<Void> verify(String identifier, String signature, byte[] body) {
        if (identifier == null || identifier.isBlank() || signature == null || signature.isBlank()) {
            return Uni.createFrom().failure(invalid("Github-Public-Key-Identifier and Github-Public-Key-Signature "
                    + "go together"));
        }
        return keyFor(identifier.trim()).map(key -> {
            if (key == null) {
                throw invalid("No GitHub secret scanning key has this identifier");
            }
            if (!signedBy(key, signature.trim(), body)) {
                throw invalid("The signature does not match the body");
            }
            return null;
        });
    }

    static boolean signedBy(PublicKey key, String base64Signature, byte[] body) {
        try {
            var verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(body);
            return verifier.verify(Base64.getDecoder().decode(base64Signature));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false; // not base64, not DER, not a signature of this key
        }
    }

    private Uni<PublicKey> keyFor(String identifier) {
        var known = keys;
        var key = known.byIdentifier().get(identifier);
        boolean stale = known.olderThan(REFRESH_AFTER);
        if (key != null && !stale) {
            return Uni.createFrom().item(key);
        }
        if (key == null && !stale && !known.olderThan(REFETCH_UNKNOWN_AFTER)) {
            return Uni.createFrom().nullItem(); // fetched within the minute: an identifier GitHub does not use
        }
        return refreshed().map(fresh -> fresh.byIdentifier().get(identifier))
                .onFailure().recoverWithUni(failure -> {
                    if (key != null) {
                        return Uni.createFrom().item(key); // GitHub unreachable: the key we had still holds
                    }
                    Log.warnf("GitHub's secret scanning keys could not be fetched from %s: %s", url, failure.toString());
                    return Uni.createFrom().failure(KeyplaneException.unavailable(60,
                            "GitHub's secret scanning keys cannot be fetched now; retry after 60 s"));
                });
    }

    private Uni<Keys> refreshed() {
        while (true) {
            var current = fetching.get();
            if (current != null) {
                return current;
            }
            var fetch = fetch().invoke(fresh -> keys = fresh)
                    .eventually(() -> fetching.set(null))
                    .memoize().indefinitely();
            if (fetching.compareAndSet(null, fetch)) {
                return fetch;
            }
        }
    }

    private Uni<Keys> fetch() {
        var options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setFollowRedirects(true)
                .setTimeout(FETCH_TIMEOUT.toMillis()).putHeader("Accept", "application/json")
                .putHeader("User-Agent", "Keyplane-Secret-Scanning/1");
        return client.request(options)
                .chain(request -> request.send().chain(response -> response.statusCode() == 200
                        ? response.body()
                        : Uni.createFrom().failure(new IllegalStateException("HTTP " + response.statusCode()))))
                .ifNoItem().after(FETCH_TIMEOUT.multipliedBy(2)).failWith(TimeoutException::new)
                .map(body -> {
                    if (body.length() > MAX_KEYS_DOCUMENT) {
                        throw new IllegalStateException("the key document is over " + MAX_KEYS_DOCUMENT + " bytes");
                    }
                    return new Keys(parse(body.getBytes()), System.nanoTime());
                });
    }

    /** {@code {"public_keys": [{"key_identifier": "...", "key": "-----BEGIN PUBLIC KEY-----..."}]}}; others ignored. */
    Map<String, PublicKey> parse(byte[] document) {
        try {
            JsonNode root = json.readTree(document);
            var parsed = new HashMap<String, PublicKey>();
            for (var entry : root.path("public_keys")) {
                var identifier = entry.path("key_identifier").asText("");
                var pem = entry.path("key").asText("");
                if (!identifier.isEmpty() && !pem.isEmpty()) {
                    parsed.put(identifier, publicKey(pem));
                }
            }
            return Map.copyOf(parsed);
        } catch (java.io.IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the key document is not GitHub's format: " + e.getMessage());
        }
    }

    static PublicKey publicKey(String pem) throws GeneralSecurityException {
        var base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(
                base64.getBytes(StandardCharsets.US_ASCII))));
    }

    private static KeyplaneException invalid(String detail) {
        return KeyplaneException.unauthenticated("invalid_signature", detail);
    }
}
