package io.keyplane.credential;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an endpoint that records key uses itself: {@code POST /api/v1/keys/verify} records the use of the key it
 * verifies, not of the gateway's ServiceKey that asks, so {@link CallerUses} leaves the caller's key out.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CallerUseNotRecorded {
}
