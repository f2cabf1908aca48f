package io.keyplane.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * The web console is static files under {@code META-INF/resources/console/} (ES modules calling the public API); its
 * security headers are set in application.properties ({@code quarkus.http.filter.console}). Only the bare
 * {@code /console} needs code: relative asset paths resolve against {@code /console/}.
 */
@ApplicationScoped
class ConsoleRoutes {

    void addRedirect(@Observes Router router) {
        // a regex, since the path "/console" would also match "/console/" and redirect it to itself
        router.getWithRegex("/console").handler(rc -> rc.redirect("/console/"));
    }
}
