package io.keyplane.changes;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.keyplane.common.DatabaseBootstrap;

/**
 * Readiness (API.md section 7): down only until start-up is complete, that is the migrations are applied and this
 * replica listens for key changes. From the moment a shutdown begins, Quarkus' own "Graceful Shutdown" check is
 * DOWN (the balancer stops sending during {@code quarkus.shutdown.delay}). A later database outage does not make
 * it unready: cached keys keep verifying, and no revoke can commit meanwhile. The database's state is a check of its own ({@code DatabaseCheck}).
 */
@Readiness
@Singleton
public class StartedCheck implements HealthCheck {

    private final DatabaseBootstrap database;
    private final ChangeFeed changes;

    @Inject
    StartedCheck(DatabaseBootstrap database, ChangeFeed changes) {
        this.database = database;
        this.changes = changes;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("keyplane started")
                .status(database.migrated() && changes.startedListening())
                .withData("migrations applied", database.migrated())
                .withData("listening for key changes", changes.listening())
                .build();
    }
}
