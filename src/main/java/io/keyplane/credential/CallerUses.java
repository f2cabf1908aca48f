package io.keyplane.credential;

import java.time.Clock;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;

import io.keyplane.common.Problem;
import io.vertx.ext.web.RoutingContext;

/**
 * Every call made with a key goes into that key's usage history once its outcome is known: a success with the
 * HTTP status, or a denial with the problem's code (a refused key's 401 included).
 */
public class CallerUses {

    private final UsageRecorder usage;
    private final Clock clock;

    @Inject
    CallerUses(UsageRecorder usage, Clock clock) {
        this.usage = usage;
        this.clock = clock;
    }

    @ServerResponseFilter
    public void record(ContainerResponseContext response, ResourceInfo resource, RoutingContext rc) {
        var key = RequestCredentials.keyUsed(rc);
        if (key == null || recordsUsesItself(resource)) {
            return;
        }
        int status = response.getStatus();
        boolean success = status < 400;
        var code = !success && response.getEntity() instanceof Problem problem ? problem.code() : String.valueOf(status);
        usage.record(key, success, code, RequestCredentials.originOf(rc.request()), clock.instant());
    }

    /** Read from the matched endpoint's annotations, which RESTEasy Reactive looks up once per endpoint. */
    private static boolean recordsUsesItself(ResourceInfo resource) {
        if (!(resource instanceof ResteasyReactiveResourceInfo endpoint) || endpoint.getResourceClass() == null) {
            return false; // no endpoint matched (404, 405)
        }
        for (var annotation : endpoint.getAnnotations()) {
            if (annotation.annotationType() == CallerUseNotRecorded.class) {
                return true;
            }
        }
        return false;
    }
}
