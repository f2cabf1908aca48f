package io.keyplane.common;

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
        var options = input.poolOptions().setMaxWaitQueueSize(config.db().maxWaitQueue());
        return PgBuilder.pool().with(options).connectingTo(java.util.List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList()))
                .using(input.vertx()).build();
    }
}
