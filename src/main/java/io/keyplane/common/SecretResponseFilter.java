package io.keyplane.common;

import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** {@code Cache-Control: no-store} on the endpoints annotated {@link SecretResponse}, refusals included. */
public class SecretResponseFilter {

    @SecretResponse
    @ServerResponseFilter
    public void noStore(ContainerResponseContext response) {
        response.getHeaders().putSingle("Cache-Control", "no-store");
        response.getHeaders().putSingle("Pragma", "no-cache");
    }
}
