package io.keyplane.gateway;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import io.keyplane.auth.BearerKeyMechanism;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** Where a policy finds the end user's key in the forwarded request: a Bearer token, a header or a query parameter. */
record KeySource(Kind kind, String name) {

    static final String DEFAULT = "authorization";

    enum Kind {
        AUTHORIZATION, HEADER, QUERY
    }

    /** {@code authorization}, {@code header:<name>} or {@code query:<name>}, as validated by {@link PolicyDtos}. */
    static KeySource parse(String source) {
        if (source == null || source.equals(DEFAULT)) {
            return new KeySource(Kind.AUTHORIZATION, null);
        }
        int colon = source.indexOf(':');
        var kind = source.startsWith("header:") ? Kind.HEADER : Kind.QUERY;
        return new KeySource(kind, source.substring(colon + 1));
    }

    /** The key, or null when the request carries none there. {@code query} is the original request's query. */
    String read(HttpServerRequest request, String query) {
        return switch (kind) {
            case AUTHORIZATION -> BearerKeyMechanism.bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
            case HEADER -> blankToNull(request.getHeader(name));
            case QUERY -> blankToNull(queryParameter(query, name));
        };
    }

    /** The parameter's value; a parameter given twice is {@link OriginalRequest.Ambiguous}, as servers differ on which counts. */
    private static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        String found = null;
        for (var pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals == name.length() && pair.startsWith(name)) {
                if (found != null) {
                    throw new OriginalRequest.Ambiguous();
                }
                try {
                    found = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return null;
                }
            }
        }
        return found;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
