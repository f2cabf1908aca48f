package io.keyplane.auth;

import java.time.Clock;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.keyplane.common.Problem;
import io.keyplane.usage.UsageRecorder;
import io.vertx.ext.web.RoutingContext;

/**
 * Every call to a REST endpoint made with a key goes into that key's usage history once its outcome is known: a
 * success with the HTTP status, or a denial with the problem's code (a refused key's 401 included). Verify, a route
 * below REST, records the use of the key it verifies, never the gateway's key that asks.
 */
public class CallerUses {

    private final UsageRecorder usage;
    private final Clock clock;
    private final ClientAddresses addresses;

    @Inject
    CallerUses(UsageRecorder usage, Clock clock, ClientAddresses addresses) {
        this.usage = usage;
        this.clock = clock;
        this.addresses = addresses;
    }

    @ServerResponseFilter
    public void record(ContainerResponseContext response, RoutingContext rc) {
        var key = RequestCredentials.keyUsed(rc);
        if (key == null) {
            return;
        }
        int status = response.getStatus();
        boolean success = status < 400;
        var code = !success && response.getEntity() instanceof Problem problem ? problem.code() : String.valueOf(status);
        usage.record(key.keyId(), key.workspaceId(), success, code, addresses.originOf(rc), clock.instant());
    }
}
