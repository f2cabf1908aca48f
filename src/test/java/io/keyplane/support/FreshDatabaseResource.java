package io.keyplane.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Hands the run's fresh database name to an application started in a process of its own
 * ({@code @QuarkusIntegrationTest}: the jar or the native executable), which cannot see the test JVM's
 * {@link FreshDatabaseConfigSource}.
 */
public class FreshDatabaseResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("keyplane.db.name", FreshDatabaseConfigSource.NAME);
    }

    @Override
    public void stop() {
    }
}
