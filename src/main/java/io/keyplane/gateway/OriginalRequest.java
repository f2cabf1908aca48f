package io.keyplane.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.vertx.core.http.HttpServerRequest;

/**
 * The request a gateway asks about, read from the headers each gateway sends: NGINX {@code X-Original-Method} and
 * {@code X-Original-URI}, Traefik {@code X-Forwarded-Method} and {@code X-Forwarded-Uri}, and Envoy, which sends
 * the original method and appends the original path to the auth URL ({@code suffix}). The client is the last
 * address in {@code X-Forwarded-For} (the one the gateway itself added; earlier ones are the client's say). These
 * are trusted because a valid gateway key authenticated their sender.
 * <p>
 * {@code segments} is the path normalised before matching: query stripped, percent-decoded once, {@code .} and
 * {@code ..} resolved, empty segments dropped; null when the path is malformed, climbs above the root, has more than
 * {@value #MAX_SEGMENTS} segments, or holds a {@code ;} (path parameters, as in {@code /public/..;/admin}, which
 * some servers strip and resolve after us) or a {@code \} (a separator to some servers).
 */
record OriginalRequest(String method, List<String> segments, String query, String clientAddress) {

    static final String NGINX_METHOD = "X-Original-Method";
    static final String NGINX_URI = "X-Original-URI";
    static final String TRAEFIK_METHOD = "X-Forwarded-Method";
    static final String TRAEFIK_URI = "X-Forwarded-Uri";
    static final String FORWARDED_FOR = "X-Forwarded-For";
    static final int MAX_SEGMENTS = 128;

    /**
     * The request's original URI, or null when nothing says it (a gateway set up without the headers). A gateway
     * passes on headers it does not set itself (NGINX a client's X-Forwarded-Uri, Traefik a client's
     * X-Original-URI), so when several sources are present they must agree, else {@link Ambiguous}.
     */
    static String uriOf(HttpServerRequest request, String suffix) {
        var envoy = suffix == null ? null : request.query() == null ? suffix : suffix + "?" + request.query();
        return agreed(agreed(request.getHeader(NGINX_URI), request.getHeader(TRAEFIK_URI)), envoy);
    }

    /** A client-set header contradicts the one the gateway set: which request was meant cannot be known. */
    static final class Ambiguous extends RuntimeException {
        Ambiguous() {
            super(null, null, false, false);
        }
    }

    private static String agreed(String one, String other) {
        if (one != null && other != null && !one.equals(other)) {
            throw new Ambiguous();
        }
        return one != null ? one : other;
    }

    /** {@code envoy}: the call itself is the original request's method (Envoy's ext_authz sends it). */
    static OriginalRequest of(HttpServerRequest request, String uri, boolean envoy) {
        var method = agreed(upperCase(request.getHeader(NGINX_METHOD)), upperCase(request.getHeader(TRAEFIK_METHOD)));
        if (envoy || method == null) {
            method = agreed(method, request.method().name());
        }
        int queryAt = indexOfAny(uri, '?', '#');
        var rawPath = queryAt < 0 ? uri : uri.substring(0, queryAt);
        String query = null;
        if (queryAt >= 0 && uri.charAt(queryAt) == '?') {
            int fragment = uri.indexOf('#', queryAt);
            query = fragment < 0 ? uri.substring(queryAt + 1) : uri.substring(queryAt + 1, fragment);
        }
        return new OriginalRequest(method, normalise(rawPath), query, clientAddressOf(request));
    }

    /** The normalised path as text, for usage records; null when it could not be normalised. */
    String path() {
        return segments == null ? null : "/" + String.join("/", segments);
    }

    static List<String> normalise(String rawPath) {
        var path = rawPath;
        if (path.startsWith("http://") || path.startsWith("https://")) { // absolute form: drop scheme and authority
            int slash = path.indexOf('/', path.indexOf("//") + 2);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        if (!path.startsWith("/")) {
            return null;
        }
        var decoded = percentDecode(path);
        if (decoded == null) {
            return null;
        }
        var segments = new ArrayList<String>();
        for (var segment : decoded.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.indexOf(';') >= 0 || segment.indexOf('\\') >= 0) {
                return null;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return null; // escapes the root
                }
                segments.remove(segments.size() - 1);
            } else {
                segments.add(segment);
            }
            if (segments.size() > MAX_SEGMENTS) {
                return null;
            }
        }
        return segments;
    }

    /** Decodes %XX once, as UTF-8; null for a malformed escape, invalid UTF-8 or a control character. */
    private static String percentDecode(String path) {
        if (path.indexOf('%') < 0) {
            return hasControl(path) ? null : path;
        }
        var bytes = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length()) {
                    return null;
                }
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                var utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            var text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
            return hasControl(text) ? null : text;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static String clientAddressOf(HttpServerRequest request) {
        var forwarded = request.getHeader(FORWARDED_FOR);
        if (forwarded != null && !forwarded.isBlank()) {
            var last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
            if (!last.isEmpty()) {
                return last;
            }
        }
        return null; // then a key with CIDRs is refused
    }

    private static String upperCase(String method) {
        return method == null ? null : method.trim().toUpperCase(Locale.ROOT);
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == a || s.charAt(i) == b) {
                return i;
            }
        }
        return -1;
    }
}
