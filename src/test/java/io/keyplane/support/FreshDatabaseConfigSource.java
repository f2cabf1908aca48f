package io.keyplane.support;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tests run against a database of their own, made fresh for each JVM (each Maven run), so runs never
 * collide with each other or with the dev database. KEYPLANE_DB_NAME still wins when set explicitly.
 */
public class FreshDatabaseConfigSource implements ConfigSource {

    static final String NAME = "keyplane_test_"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
            + UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Set<String> getPropertyNames() {
        return Set.of("keyplane.db.name");
    }

    @Override
    public String getValue(String propertyName) {
        return "keyplane.db.name".equals(propertyName) ? NAME : null;
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of("keyplane.db.name", NAME);
    }

    @Override
    public int getOrdinal() {
        return 275; // above application.properties (250), below environment variables (300)
    }

    @Override
    public String getName() {
        return "keyplane-fresh-test-database";
    }
}
