package io.keyplane.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.keyplane.key.Cidr;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Where webhooks may send (SSRF): http or https URLs whose host is a public address. Loopback, link-local (cloud
 * metadata included), private, shared, reserved and multicast ranges are refused, unless
 * KEYPLANE_WEBHOOK_ALLOW_PRIVATE. A name is checked when the webhook is saved and resolved again before each
 * delivery, which then connects to the address it checked: a name that moves to a private address (DNS
 * rebinding) is refused there.
 */
@Singleton
class Destinations {

    /** Thrown, or failed with, when an address is not allowed; its message names no address. */
    static final class NotAllowed extends RuntimeException {
        NotAllowed() {
            super("address not allowed", null, false, false);
        }
    }

    private static final List<Cidr> NOT_PUBLIC = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "::/96", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32", "fc00::/7", "fe80::/10",
            "fec0::/10", "ff00::/8")
            .stream().map(c -> Cidr.parse(c).orElseThrow()).toList();
    /** IPv6 ranges that embed an IPv4 address: judged by the address they embed. */
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96").orElseThrow();
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16").orElseThrow();

    private static final java.util.regex.Pattern NUMERIC_HOST = java.util.regex.Pattern.compile(
            "(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+)){0,3}\\.?");

    private final Vertx vertx;
    private final boolean allowPrivate;

    @Inject
    Destinations(Vertx vertx, KeyplaneConfig config) {
        this.vertx = vertx;
        this.allowPrivate = config.webhook().allowPrivate();
    }

    /** A well-formed webhook URL, or 400 validation_failed on {@code field}. */
    static URI parse(String url, String field) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw KeyplaneException.validation(field, "must be an absolute http or https URL");
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.isOpaque()) {
            throw KeyplaneException.validation(field, "must be an absolute http or https URL");
        }
        if (uri.getPort() > 65535 || uri.getPort() == 0) {
            throw KeyplaneException.validation(field, "must have a port from 1 to 65535");
        }
        if (uri.getRawUserInfo() != null) {
            throw KeyplaneException.validation(field, "must not contain user info");
        }
        if (uri.getRawFragment() != null) {
            throw KeyplaneException.validation(field, "must not contain a fragment");
        }
        return uri;
    }

    /**
     * When a webhook is saved: 422 url_not_allowed for a host that is, or resolves to, an address a webhook may
     * not reach. A name that does not resolve (yet) passes; each delivery resolves it again.
     */
    Uni<Void> check(URI uri) {
        if (allowPrivate) {
            return Uni.createFrom().voidItem();
        }
        if (isOddlyWrittenAddress(uri.getHost())) {
            return Uni.createFrom().failure(KeyplaneException.unprocessable("url_not_allowed", "url", "must name its "
                    + "host, or write an IPv4 address as four decimal numbers"));
        }
        return resolve(uri.getHost())
                .onFailure(UnknownHostException.class).recoverWithItem(List.of())
                .invoke(addresses -> {
                    if (addresses.stream().anyMatch(Destinations::isNotPublic)) {
                        throw KeyplaneException.unprocessable("url_not_allowed", "url", "must not point to a "
                                + "loopback, link-local or private address");
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Before a delivery: the address to connect to, or null to let the HTTP client resolve the name (private
     * addresses allowed). Fails with {@link NotAllowed} when any address of the name may not be reached.
     */
    Uni<InetAddress> addressFor(URI uri) {
        if (allowPrivate) {
            return Uni.createFrom().nullItem();
        }
        if (isOddlyWrittenAddress(uri.getHost())) {
            return Uni.createFrom().failure(new NotAllowed());
        }
        return resolve(uri.getHost()).map(addresses -> {
            if (addresses.isEmpty() || addresses.stream().anyMatch(Destinations::isNotPublic)) {
                throw new NotAllowed();
            }
            return addresses.get(0);
        });
    }

    /**
     * An IPv4 address in a form other than four plain decimal numbers: {@code 0x7f000001}, {@code 2130706433},
     * {@code 0177.0.0.1}, {@code 127.1}. Some resolvers read these as addresses (C's inet_aton, so curl) and some
     * as names (the JDK): what one component checks, another could reach.
     */
    static boolean isOddlyWrittenAddress(String host) {
        if (!NUMERIC_HOST.matcher(host).matches()) {
            return false;
        }
        var parts = host.split("\\.");
        if (parts.length != 4 || host.endsWith(".")) {
            return true;
        }
        for (var part : parts) {
            if (!part.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(part) > 255) {
                return true;
            }
        }
        return false;
    }

    static boolean isNotPublic(InetAddress address) {
        var ip = address.getHostAddress();
        if (NOT_PUBLIC.stream().anyMatch(range -> range.contains(ip))) {
            return true;
        }
        var bytes = address.getAddress();
        if (NAT64.contains(ip)) {
            return isNotPublic(v4(bytes, 12));
        }
        if (SIX_TO_FOUR.contains(ip)) {
            return isNotPublic(v4(bytes, 2));
        }
        return false;
    }

    private static InetAddress v4(byte[] bytes, int from) {
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOfRange(bytes, from, from + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Names are looked up off the event loop (the JDK resolver blocks); literals are parsed, never looked up. */
    private Uni<List<InetAddress>> resolve(String host) {
        var bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(bare)), false);
    }
}
