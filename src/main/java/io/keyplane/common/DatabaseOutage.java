package io.keyplane.common;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkus.logging.Log;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.core.http.ConnectionPoolTooBusyException;

/**
 * Tells a failure to reach the database (refused, lost, shutting down, read-only after a failover, timed out,
 * saturated) from any other failure: the first is answered {@code 503 service_unavailable} with
 * {@code Retry-After}, never 500 (API.md section 9).
 */
public final class DatabaseOutage {

    private static final long LOG_EVERY_MILLIS = 10_000;
    private static final AtomicLong lastLogged = new AtomicLong();

    private DatabaseOutage() {
    }

    /** True when {@code failure}, or anything that caused it, says the database could not be reached. */
    public static boolean is(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException || cause instanceof ClosedConnectionException
                    || cause instanceof TimeoutException || cause instanceof io.smallrye.mutiny.TimeoutException
                    || cause instanceof ConnectionPoolTooBusyException) {
                return true;
            }
            if (cause instanceof PgException pg && unreachableState(pg.getSqlState())) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /**
     * Class 08 (connection exception), 57P01-57P03 (shutting down, cannot connect now), 53300 (too many
     * connections), 25006 (read-only transaction: a standby, during a failover).
     */
    private static boolean unreachableState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("57P0") || state.equals("53300")
                || state.equals("25006"));
    }

    /** The answer to an outage: {@code 503 service_unavailable}, with the outage logged (at most every 10 s). */
    public static KeyplaneException answer(Throwable failure) {
        log(failure);
        return KeyplaneException.databaseUnavailable();
    }

    /** Logs an outage at most every 10 s, without a stack trace: every request during one would otherwise log. */
    private static void log(Throwable failure) {
        long now = System.currentTimeMillis();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_MILLIS && lastLogged.compareAndSet(last, now)) {
            Log.warnf("The database cannot be reached or is saturated (%s: %s); answering 503 where it is needed",
                    failure.getClass().getSimpleName(), failure.getMessage());
        }
    }
}
