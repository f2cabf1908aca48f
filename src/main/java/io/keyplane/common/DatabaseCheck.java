package io.keyplane.common;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Whether the database answers now: part of {@code /q/health}, but neither liveness nor readiness, so an outage
 * is visible without taking replicas out of service (API.md section 7). Also the gauge {@code keyplane_database_up}
 * (1 or 0), probed every 5 s and on every health call.
 */
@Wellness
@Singleton
public class DatabaseCheck implements AsyncHealthCheck {

    private static final Duration PROBE_EVERY = Duration.ofSeconds(5);

    private final Pool pool;
    private final Vertx vertx;
    private final AtomicInteger up = new AtomicInteger(1);

    @Inject
    DatabaseCheck(Pool pool, Vertx vertx, MeterRegistry registry) {
        this.pool = pool;
        this.vertx = vertx;
        Gauge.builder("keyplane.database.up", up, AtomicInteger::get)
                .description("1 while the database answers, 0 while it cannot be reached").register(registry);
    }

    void probeRegularly(@Observes StartupEvent event) {
        vertx.setPeriodic(PROBE_EVERY.toMillis(), id -> call().subscribe().with(ignored -> {
        }));
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("select 1").execute()
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(ignored -> {
                    up.set(1);
                    return HealthCheckResponse.up("database");
                })
                .onFailure().recoverWithItem(e -> {
                    up.set(0);
                    return HealthCheckResponse.named("database").down()
                            .withData("error", e.getClass().getSimpleName()).build();
                });
    }
}
