package io.keyplane.common;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * On an endpoint whose response can carry a plain key or secret (create, rotate, reveal, a new workspace's
 * bootstrap key): no cache on the way, in a proxy or the client, may keep the response (API.md section 9).
 * {@link SecretResponseFilter} adds the headers.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface SecretResponse {
}
