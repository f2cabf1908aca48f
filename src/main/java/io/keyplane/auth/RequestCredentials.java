package io.keyplane.auth;

import io.keyplane.key.KeyFacts;
import io.vertx.ext.web.RoutingContext;

/**
 * What authentication found in a request, kept on its routing context by {@link BearerKeyMechanism}: the caller
 * it accepted, or the key it refused. Written once per request; read after the response is known (usage history,
 * denied-call audit), when asking Quarkus Security for the identity would authenticate again or fail.
 */
public final class RequestCredentials {

    private static final String ACCEPTED = "keyplane.caller";
    private static final String REFUSED = "keyplane.refused-key";

    private RequestCredentials() {
    }

    static void accepted(RoutingContext rc, Caller caller) {
        rc.put(ACCEPTED, caller);
    }

    static void refused(RoutingContext rc, KeyFacts key) {
        rc.put(REFUSED, key);
    }

    /** The authenticated caller; null when the request was not (or not successfully) authenticated. */
    public static Caller caller(RoutingContext rc) {
        return rc == null ? null : rc.get(ACCEPTED);
    }

    /** The key in the request's Authorization, accepted or refused; null for the operator or no key. */
    public static KeyFacts keyUsed(RoutingContext rc) {
        if (rc == null) {
            return null;
        }
        Caller caller = rc.get(ACCEPTED);
        return caller != null ? caller.key() : rc.get(REFUSED);
    }

}
