package io.keyplane.common;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Whether the database answers now: part of {@code /q/health}, but neither liveness nor readiness, so an outage
 * is visible without taking replicas out of service (API.md section 7).
 */
@Wellness
@Singleton
public class DatabaseCheck implements AsyncHealthCheck {

    private final Pool pool;

    @Inject
    DatabaseCheck(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("select 1").execute()
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(ignored -> HealthCheckResponse.up("database"))
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("database").down()
                        .withData("error", e.getClass().getSimpleName()).build());
    }
}
