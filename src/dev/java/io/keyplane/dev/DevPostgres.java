package io.keyplane.dev;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Application;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * Zero-install first run: in the {@code dev} profile, when the database is on this machine and nothing answers on
 * its port, starts an {@link EmbeddedPostgres} on that same port, so the datasource URLs work unchanged. Its data
 * stays in {@code java.io.tmpdir}/keyplane-dev-postgres-&lt;port&gt; across restarts. Never in any other profile, and
 * not in native builds (the bean is left out, so image analysis never sees the unpacking code).
 */
@Singleton
@IfBuildProperty(name = "quarkus.native.enabled", stringValue = "false", enableIfMissing = true)
public class DevPostgres {

    static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "::1");

    private final KeyplaneConfig config;
    private final AtomicReference<EmbeddedPostgres> server = new AtomicReference<>();

    @Inject
    DevPostgres(KeyplaneConfig config) {
        this.config = config;
    }

    /** Only a dev profile whose database is on this machine may get an embedded one. */
    static boolean mayEmbed(Collection<String> profiles, String host) {
        return profiles.contains("dev") && LOCAL_HOSTS.contains(host);
    }

    static Path home(int port) {
        return Path.of(System.getProperty("java.io.tmpdir"), "keyplane-dev-postgres-" + port);
    }

    // after SecretsCheck (10), before DatabaseBootstrap (20) creates the database and migrates
    void onStart(@Observes @Priority(15) StartupEvent event) {
        var db = config.db();
        if (!mayEmbed(ConfigUtils.getProfiles(), db.host())) {
            return;
        }
        var where = db.host() + ":" + db.port();
        var home = home(db.port());
        try {
            if (answers(db.host(), db.port())) {
                var left = EmbeddedPostgres.leftRunning(home, db.port());
                if (left != null) {
                    own(left);
                    Log.infof("The embedded PostgreSQL on %s was left running by an earlier start (data in %s): using it;"
                            + " dev profile only", where, left.data());
                }
                return;
            }
            var started = EmbeddedPostgres.start(home, db.port(), db.user());
            own(started);
            Log.infof("No PostgreSQL answered on %s: started an embedded PostgreSQL %s there (data in %s%s); dev profile only",
                    where, started.version(), started.data(),
                    started.runsAsAnotherUser() ? ", run as " + EmbeddedPostgres.UNPRIVILEGED_USER
                            + " because PostgreSQL refuses root" : "");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("No PostgreSQL answered on " + where
                    + " and the embedded one for the dev profile could not start: " + e.getMessage()
                    + "\nStart PostgreSQL on " + where + ", or point KEYPLANE_DB_HOST / KEYPLANE_DB_PORT (and"
                    + " KEYPLANE_DB_USER / KEYPLANE_DB_PASSWORD) at one that runs.", e);
        }
    }

    private void own(EmbeddedPostgres started) {
        server.set(started);
        // Quarkus fires no ShutdownEvent when start-up fails after this (a migration, say): stop it at exit then.
        // On an ordinary exit, wait for Quarkus' own shutdown, so that onStop stops it after the last write.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (server.get() == null) {
                return;
            }
            var app = Application.currentApplication();
            if (app != null) {
                app.awaitShutdown();
            }
            onStop(null);
        }, "keyplane-dev-postgres-stop"));
    }

    // last of the shutdown observers: the usage flush (UsageRecorder) still writes to it
    void onStop(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent event) {
        var running = server.getAndSet(null);
        if (running == null) {
            return;
        }
        try {
            running.stop();
            Log.infof("Stopped the embedded PostgreSQL (data kept in %s)", running.data());
        } catch (IOException | RuntimeException e) {
            Log.warnf("Could not stop the embedded PostgreSQL (data in %s): %s", running.data(), e.getMessage());
        }
    }

    /** True when something accepts a TCP connection on host:port (any of its addresses). */
    static boolean answers(String host, int port) {
        try {
            for (var address : InetAddress.getAllByName(host)) {
                try (var socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, port), 1000);
                    return true;
                } catch (IOException refused) {
                    // try the next address
                }
            }
        } catch (IOException unknownHost) {
            // nothing to answer
        }
        return false;
    }
}
