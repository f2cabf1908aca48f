package io.keyplane.common;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.flywaydb.core.Flyway;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

/**
 * Start-up only, on the main thread (blocking JDBC is fine here): creates the database when it is
 * missing and applies the Flyway migrations before the application serves requests.
 */
@Singleton
public class DatabaseBootstrap {

    private final KeyplaneConfig config;
    private final Flyway flyway;
    private volatile boolean migrated;

    @Inject
    DatabaseBootstrap(KeyplaneConfig config, Flyway flyway) {
        this.config = config;
        this.flyway = flyway;
    }

    // after SecretsCheck (priority 10): never touch the database with an unsafe configuration
    void onStart(@Observes @Priority(20) StartupEvent event) throws SQLException {
        createDatabaseIfMissing();
        var migrating = migrating();
        var result = migrating.migrate();
        migrated = true;
        Log.infof("Database %s ready: schema version %s (%d migrations applied now)", config.db().name(),
                migrating.info().current().getVersion(), result.migrationsExecuted);
    }

    /** True once the database exists and its migrations are applied. */
    public boolean migrated() {
        return migrated;
    }

    /**
     * Quarkus' Flyway (its locations, placeholders and native resource scanning), connecting as the migration login
     * rather than through the runtime login's pool.
     */
    private Flyway migrating() {
        var db = config.db();
        return Flyway.configure(flyway.getConfiguration().getClassLoader()).configuration(flyway.getConfiguration())
                .dataSource("jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.name(),
                        db.migrationUser().orElse(db.user()), db.migrationPassword().or(db::password).orElse(""))
                .load();
    }

    private void createDatabaseIfMissing() throws SQLException {
        var db = config.db();
        var url = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/postgres";
        var props = new Properties();
        // the migration login creates it, as it then migrates it
        props.setProperty("user", db.migrationUser().orElse(db.user()));
        db.migrationPassword().or(db::password).ifPresent(p -> props.setProperty("password", p));
        try (Connection c = DriverManager.getConnection(url, props);
                PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, db.name());
            if (exists.executeQuery().next()) {
                return;
            }
            try (var create = c.createStatement()) {
                // identifiers cannot be bound as parameters; quote it
                create.execute("create database \"" + db.name().replace("\"", "\"\"") + "\"");
                Log.infof("Created database %s", db.name());
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // another replica created it first
                    throw e;
                }
            }
        }
    }
}
