package io.keyplane.webhook;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.netty.channel.ConnectTimeoutException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * POSTs one signed event. A 2xx answer is success; anything else, no answer within KEYPLANE_WEBHOOK_TIMEOUT, or
 * an address a webhook may not reach is a failure, described without the address. Redirects are not followed
 * (they could lead anywhere) and the answer's body is not read.
 */
@Singleton
class WebhookSender {

    static final String EVENT_ID = "Keyplane-Event-Id";
    static final String SIGNATURE = "Keyplane-Signature";

    /** How an attempt went: the HTTP status when there was one, and why it failed when it did. */
    record Outcome(Integer responseCode, String error) {
        boolean succeeded() {
            return error == null;
        }
    }

    private final HttpClient client;
    private final Destinations destinations;
    private final Clock clock;
    private final Duration timeout;

    @Inject
    WebhookSender(Vertx vertx, Destinations destinations, KeyplaneConfig config, Clock clock) {
        this.destinations = destinations;
        this.clock = clock;
        this.timeout = config.webhook().timeout();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) timeout.toMillis())
                .setIdleTimeout((int) timeout.toSeconds() + 1)
                .setMaxPoolSize(4)
                .setKeepAlive(true)
                .setVerifyHost(true));
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }

    Uni<Outcome> send(URI url, String secret, UUID eventId, byte[] body) {
        return destinations.addressFor(url)
                .chain(address -> {
                    var options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
                            .setFollowRedirects(false).setConnectTimeout(timeout.toMillis())
                            .setIdleTimeout(timeout.toMillis())
                            .putHeader("Content-Type", "application/json")
                            .putHeader("User-Agent", "Keyplane-Webhooks/1")
                            .putHeader(EVENT_ID, eventId.toString())
                            .putHeader(SIGNATURE, WebhookSecrets.signature(secret, clock.instant().getEpochSecond(), body));
                    if (address != null) {
                        var port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
                        options.setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()));
                    }
                    // the whole exchange within the timeout, or the request is reset: a trickling answer frees its connection
                    return client.request(options).chain(request -> request.send(Buffer.buffer(body))
                            .chain(response -> response.handler(ignored -> {
                            }).end().replaceWith(response.statusCode()))
                            .ifNoItem().after(timeout).failWith(TimeoutException::new)
                            .onFailure().invoke(() -> request.reset()));
                })
                // name resolution and connecting, bounded by the connect timeout, come on top
                .ifNoItem().after(timeout.multipliedBy(2)).failWith(TimeoutException::new)
                .map(code -> code >= 200 && code < 300 ? new Outcome(code, null) : new Outcome(code, "HTTP " + code))
                .onFailure().recoverWithItem(e -> new Outcome(null, describe(e)));
    }

    private String describe(Throwable e) {
        if (e instanceof Destinations.NotAllowed) {
            return "address not allowed (loopback, link-local or private)";
        }
        if (e instanceof UnknownHostException) {
            return "host not found";
        }
        if (e instanceof TimeoutException || e instanceof ConnectTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SSLException) {
            return "TLS handshake failed";
        }
        return "connection failed";
    }
}
