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
 * address of every {@code X-Forwarded-For} line joined (the one the gateway itself added; earlier ones are the
 * client's say). These
 * are trusted because a valid gateway key authenticated their sender.
 * <p>
 * {@code segments} is the path normalised before matching: query stripped, each segment percent-decoded once,
 * {@code .} and {@code ..} resolved, empty segments dropped. It is null (400 {@code invalid_path}) for anything an
 * upstream could route differently from us: a malformed path, one that climbs above the root or has more than
 * {@value #MAX_SEGMENTS} segments, an encoded {@code /} ({@code %2F}: one segment to us, two to a server that
 * decodes first), a segment that is {@code .} or {@code ..} only once decoded ({@code %2e%2e}: resolved by some
 * servers, not by others), a {@code #} or {@code %23} (a fragment to some), a {@code ;} (path parameters, as in
 * {@code /public/..;/admin}, which some servers strip and resolve after us) or a {@code \} (a separator to some).
 * Matching is case-sensitive: {@code /Admin} is not {@code /admin}.
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
        int queryAt = uri.indexOf('?');
        var rawPath = queryAt < 0 ? uri : uri.substring(0, queryAt);
        var query = queryAt < 0 ? null : uri.substring(queryAt + 1);
        // a '#' anywhere (a fragment no client should send): an upstream may cut the URI there, and we do not
        var segments = uri.indexOf('#') >= 0 ? null : normalise(rawPath);
        return new OriginalRequest(method, segments, query, clientAddressOf(request));
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
        if (!path.startsWith("/") || path.indexOf('#') >= 0) {
            return null;
        }
        var segments = new ArrayList<String>();
        for (var raw : path.split("/")) {
            if (hidesASeparator(raw)) {
                return null;
            }
            var segment = percentDecode(raw);
            if (segment == null || segment.indexOf(';') >= 0 || segment.indexOf('\\') >= 0) {
                return null;
            }
            boolean dots = segment.equals(".") || segment.equals("..");
            if (dots && raw.indexOf('%') >= 0) {
                return null; // a dot segment only once decoded
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
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

    /** {@code %2F} (a {@code /}) or {@code %23} (a {@code #}), in either case. */
    private static boolean hidesASeparator(String rawSegment) {
        for (int i = rawSegment.indexOf('%'); i >= 0 && i + 2 < rawSegment.length(); i = rawSegment.indexOf('%', i + 1)) {
            char hi = rawSegment.charAt(i + 1);
            char lo = Character.toLowerCase(rawSegment.charAt(i + 2));
            if ((hi == '2' && lo == 'f') || (hi == '2' && lo == '3')) {
                return true;
            }
        }
        return false;
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

    /** The last address of every X-Forwarded-For line joined: a proxy that adds a line of its own adds it last. */
    private static String clientAddressOf(HttpServerRequest request) {
        var lines = request.headers().getAll(FORWARDED_FOR);
        for (int line = lines.size() - 1; line >= 0; line--) {
            var addresses = lines.get(line).split(",");
            for (int i = addresses.length - 1; i >= 0; i--) {
                var address = addresses[i].trim();
                if (!address.isEmpty()) {
                    return address;
                }
            }
        }
        return null; // then a key with CIDRs is refused
    }

    private static String upperCase(String method) {
        return method == null ? null : method.trim().toUpperCase(Locale.ROOT);
    }
}
