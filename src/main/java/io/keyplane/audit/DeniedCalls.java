package io.keyplane.audit;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.keyplane.auth.ClientAddresses;
import io.keyplane.auth.RequestCredentials;
import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.Problem;
import io.keyplane.key.KeyFacts;
import io.keyplane.usage.Origin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * A refused call of an identifiable key (a 403, or a 401 for a revoked, expired or paused key or a disabled
 * account) is an {@code access.denied} event in the key's own workspace, never in the one the path names, which
 * may be another tenant's. It runs from the response, so it covers refusals raised anywhere in the call, in a
 * transaction of its own, which commits although the request failed.
 * <p>
 * Repeats of the same refusal (same key, code, method and path) within {@code keyplane.audit.denial-window} are
 * not an event each: the first is written at once, the repeats become one more event with their {@code count}
 * when the window closes. A key refused in a loop then costs two events a window, not one a call.
 */
@ApplicationScoped // a proxy: REST Reactive sets up filters at build time, before runtime config is there
public class DeniedCalls {

    static final String ACTION = "access.denied";

    private record Refusal(UUID keyId, String code, String method, String path) {
    }

    /** One open window of a refusal: its key, when it closes, and how often it came again meanwhile. */
    private static final class Window {
        final KeyFacts key;
        final long closesAt;
        final AtomicInteger repeats = new AtomicInteger();
        volatile Origin lastOrigin;

        Window(KeyFacts key, long closesAt) {
            this.key = key;
            this.closesAt = closesAt;
        }
    }

    private final AuditLog audit;
    private final Clock clock;
    private final long windowMillis;
    private final ConcurrentHashMap<Refusal, Window> open = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<java.util.Map.Entry<Refusal, Window>> closed = new ConcurrentLinkedQueue<>();
    private final Counter unwritten;
    private final ClientAddresses addresses;

    @Inject
    DeniedCalls(AuditLog audit, Clock clock, KeyplaneConfig config, MeterRegistry registry, ClientAddresses addresses) {
        this.audit = audit;
        this.addresses = addresses;
        this.clock = clock;
        this.windowMillis = config.audit().denialWindow().toMillis();
        this.unwritten = Counter.builder("keyplane.audit.denials.unwritten")
                .description("Denied calls whose access.denied event could not be written").register(registry);
    }

    @ServerResponseFilter
    public Uni<Void> auditRefusal(ContainerResponseContext response, RoutingContext rc) {
        int status = response.getStatus();
        return audit(rc, status, response.getEntity() instanceof Problem problem ? problem.code() : String.valueOf(status));
    }

    /** For a response served below the REST layer: audits it when it refuses an identifiable key. */
    public Uni<Void> audit(RoutingContext rc, int status, String code) {
        var key = RequestCredentials.keyUsed(rc);
        if ((status != 401 && status != 403) || key == null) {
            return Uni.createFrom().voidItem();
        }
        var origin = addresses.originOf(rc);
        var refusal = new Refusal(key.keyId(), code, origin.method(), origin.path());
        if (!opensWindow(refusal, key, origin)) {
            return Uni.createFrom().voidItem(); // a repeat: counted, written when its window closes
        }
        return inOwnTransaction(() -> audit.appendFor(key, origin, key.workspaceId(), ACTION, "request", origin.path(),
                "denied", changes(refusal, 0)), refusal);
    }

    /** True for the first refusal of a window; a repeat within it is only counted. */
    private boolean opensWindow(Refusal refusal, KeyFacts key, Origin origin) {
        long now = clock.millis();
        var opened = new boolean[1];
        open.compute(refusal, (r, window) -> {
            if (window != null && window.closesAt > now) {
                window.repeats.incrementAndGet();
                window.lastOrigin = origin;
                return window;
            }
            if (window != null && window.repeats.get() > 0) {
                closed.add(java.util.Map.entry(r, window));
            }
            opened[0] = true;
            return new Window(key, now + windowMillis);
        });
        return opened[0];
    }

    /** Writes one event per closed window that had repeats, with their count. */
    @Scheduled(every = "${keyplane.audit.denial-window}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> writeRepeats() {
        long now = clock.millis();
        open.forEach((refusal, window) -> {
            if (window.closesAt <= now && open.remove(refusal, window) && window.repeats.get() > 0) {
                closed.add(java.util.Map.entry(refusal, window));
            }
        });
        var due = new java.util.ArrayList<java.util.Map.Entry<Refusal, Window>>();
        for (var entry = closed.poll(); entry != null; entry = closed.poll()) {
            due.add(entry);
        }
        return Multi.createFrom().iterable(due)
                .onItem().transformToUniAndConcatenate(entry -> {
                    var refusal = entry.getKey();
                    var window = entry.getValue();
                    return inOwnTransaction(() -> audit.appendFor(window.key, window.lastOrigin,
                            window.key.workspaceId(), ACTION, "request", refusal.path(), "denied",
                            changes(refusal, window.repeats.get())), refusal);
                })
                .collect().last().replaceWithVoid();
    }

    private static Changes changes(Refusal refusal, int repeats) {
        var changes = Changes.none().created("code", refusal.code()).created("method", refusal.method());
        return repeats == 0 ? changes : changes.created("count", repeats);
    }

    private Uni<Void> inOwnTransaction(java.util.function.Supplier<Uni<AuditEvent>> append, Refusal refusal) {
        return Panache.withTransaction(append)
                .onFailure().invoke(e -> {
                    unwritten.increment();
                    Log.errorf(e, "Could not audit the denied call (code %s, key %s)", refusal.code(), refusal.keyId());
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
