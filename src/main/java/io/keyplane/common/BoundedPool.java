package io.keyplane.common;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * The reactive pool with a bounded wait queue ({@code KEYPLANE_DB_MAX_WAIT_QUEUE}; Quarkus has no setting for
 * it): under overload a request that cannot get a connection soon fails at once and is answered 503, instead of
 * queueing without end while its client has long given up.
 * <p>
 * A connection that reads nothing for {@code KEYPLANE_DB_READ_TIMEOUT} is closed. The SQL client has no query
 * timeout, so without this a database that stops answering (a dead route, no reset) would hold every request on
 * that connection, and the connection itself, until TCP gives up many minutes later; with it they fail, and are
 * answered 503. No query runs that long (the longest, the audit check, has a 5 s statement timeout). The pool
 * retires a connection idle for half that time, so the read timer never fires on an idle pooled connection: it would
 * race a request that takes the connection just then, and fail it.
 */
@Singleton
public class BoundedPool implements PgPoolCreator {

    private final KeyplaneConfig config;

    @Inject
    BoundedPool(KeyplaneConfig config) {
        this.config = config;
    }

    @Override
    public Pool create(Input input) {
        var readTimeout = config.db().readTimeout().toMillis();
        var options = input.poolOptions().setMaxWaitQueueSize(config.db().maxWaitQueue())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setIdleTimeout((int) readTimeout / 2).setPoolCleanerPeriod(1000);
        var connects = input.pgConnectOptionsList();
        connects.forEach(connect -> connect.setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setReadIdleTimeout((int) readTimeout));
        return PgBuilder.pool().with(options).connectingTo(List.<SqlConnectOptions>copyOf(connects))
                .using(input.vertx()).build();
    }
}
