package io.keyplane.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * On an endpoint that records key uses itself: {@code POST /api/v1/keys/verify} records the use of the key it
 * verifies, not of the gateway's ServiceKey that asks, so {@link CallerUses} leaves the caller's key out. A name
 * binding: the build ties {@link CallerUses#notRecorded} to exactly these endpoints, with no reflection at run time.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface CallerUseNotRecorded {
}
