package io.keyplane.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.keyplane.common.RequestIds;
import io.keyplane.key.Cidr;
import io.keyplane.usage.Origin;
import io.netty.util.NetUtil;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The client's address, as {@code allowed_cidrs}, the failed-authentication limits, leak reports, audit events and
 * usage records see it: the TCP peer; or, with {@code quarkus.http.proxy.proxy-address-forwarding} and a peer
 * among {@code quarkus.http.proxy.trusted-proxies}, the rightmost address of the forwarded chain (every
 * {@code X-Forwarded-For} line joined, or every {@code Forwarded} element's {@code for=}) that is not a trusted
 * proxy. Each proxy appends the address it saw, so only that end is the proxies' word; the leftmost entries are
 * whatever the client sent (Quarkus's own parser takes the first, which a client behind an appending proxy
 * chooses). Forwarding without trusted proxies would trust anyone's header: start-up stops.
 */
@Singleton
public class ClientAddresses {

    private static final String RESOLVED = "keyplane.client-address";
    private static final String NONE = "";

    private final boolean forwarding;
    private final boolean xForwardedFor;
    private final boolean forwarded;
    private final List<String> trustedProxies;
    private volatile List<Cidr> trusted = List.of();

    ClientAddresses(@ConfigProperty(name = "quarkus.http.proxy.proxy-address-forwarding", defaultValue = "false") boolean forwarding,
            @ConfigProperty(name = "quarkus.http.proxy.allow-x-forwarded", defaultValue = "false") boolean xForwardedFor,
            @ConfigProperty(name = "quarkus.http.proxy.allow-forwarded", defaultValue = "false") boolean forwarded,
            @ConfigProperty(name = "quarkus.http.proxy.trusted-proxies") Optional<List<String>> trustedProxies) {
        this.forwarding = forwarding;
        this.xForwardedFor = xForwardedFor;
        this.forwarded = forwarded;
        this.trustedProxies = trustedProxies.orElse(List.of());
    }

    /** Before anything listens: forwarding on and no trusted proxy named stops start-up, as does a name that resolves to nothing. */
    void checkAtStart(@Observes @Priority(11) StartupEvent event) {
        if (forwarding && trustedProxies.isEmpty()) {
            throw new IllegalStateException("Keyplane cannot start: quarkus.http.proxy.proxy-address-forwarding is on "
                    + "without quarkus.http.proxy.trusted-proxies (QUARKUS_HTTP_PROXY_TRUSTED_PROXIES), so any client "
                    + "could choose its address in X-Forwarded-For; name the proxies' addresses or networks");
        }
        if (forwarding) {
            var parsed = new ArrayList<Cidr>();
            for (var proxy : trustedProxies) {
                parsed.addAll(parse(proxy.trim()));
            }
            trusted = List.copyOf(parsed);
        }
    }

    /** Address literals and CIDR blocks as they are; a host name resolved once, here (ports are not compared). */
    static List<Cidr> parse(String proxy) {
        var literal = Cidr.parse(withoutPort(proxy));
        if (literal.isPresent()) {
            return List.of(literal.get());
        }
        try {
            var found = new ArrayList<Cidr>();
            for (var address : InetAddress.getAllByName(withoutPort(proxy))) {
                Cidr.parse(address.getHostAddress()).ifPresent(found::add);
            }
            return found;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Keyplane cannot start: quarkus.http.proxy.trusted-proxies names " + proxy
                    + ", which does not resolve");
        }
    }

    private static String withoutPort(String proxy) {
        if (proxy.startsWith("[")) { // [v6]:port
            int end = proxy.indexOf(']');
            return end < 0 ? proxy : proxy.substring(1, end);
        }
        int colon = proxy.indexOf(':');
        return colon > 0 && colon == proxy.lastIndexOf(':') ? proxy.substring(0, colon) : proxy; // v4:port, name:port
    }

    /** The request's client address, worked out once per request; null when the peer is unknown. */
    public String of(RoutingContext rc) {
        String address = rc.get(RESOLVED);
        if (address == null) {
            address = resolve(rc.request());
            rc.put(RESOLVED, address == null ? NONE : address);
        }
        return address == null || address.isEmpty() ? null : address;
    }

    /** Where the request came from, as usage records and audit events note it. */
    public Origin originOf(RoutingContext rc) {
        var request = rc.request();
        return new Origin(request.method().name(), request.path(), of(rc), request.getHeader(HttpHeaders.USER_AGENT),
                RequestIds.of(request));
    }

    String resolve(HttpServerRequest request) {
        var socket = request.connection() == null ? null : request.connection().remoteAddress();
        var peer = socket == null ? null : socket.hostAddress();
        if (!forwarding || peer == null || !isTrusted(peer)) {
            return peer;
        }
        var chain = chain(request);
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (!isTrusted(chain.get(i))) {
                return chain.get(i);
            }
        }
        return chain.isEmpty() ? peer : chain.get(0); // every hop trusted: the first is the client itself
    }

    /** The forwarded chain, oldest hop first: Forwarded's {@code for=} when allowed and present, else X-Forwarded-For. */
    private List<String> chain(HttpServerRequest request) {
        var hops = new ArrayList<String>();
        if (forwarded && request.headers().contains("Forwarded")) {
            for (var line : request.headers().getAll("Forwarded")) {
                for (var element : line.split(",")) {
                    for (var pair : element.split(";")) {
                        var nameValue = pair.trim();
                        if (nameValue.regionMatches(true, 0, "for=", 0, 4)) {
                            addHop(hops, unquote(nameValue.substring(4)));
                        }
                    }
                }
            }
        } else if (xForwardedFor) {
            for (var line : request.headers().getAll("X-Forwarded-For")) {
                for (var hop : line.split(",")) {
                    addHop(hops, hop);
                }
            }
        }
        return hops;
    }

    private static void addHop(List<String> hops, String hop) {
        var address = hop.trim();
        if (address.startsWith("[")) { // Forwarded's "[v6]:port"
            int end = address.indexOf(']');
            address = end < 0 ? address : address.substring(1, end);
        } else if (address.indexOf(':') > 0 && address.indexOf(':') == address.lastIndexOf(':')) {
            address = address.substring(0, address.indexOf(':')); // v4:port
        }
        if (!address.isEmpty()) {
            hops.add(address);
        }
    }

    private static String unquote(String value) {
        var v = value.trim();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private boolean isTrusted(String address) {
        if (!NetUtil.isValidIpV4Address(address) && !NetUtil.isValidIpV6Address(address)) {
            return false; // "unknown", an obfuscated identifier, garbage: never a proxy of ours
        }
        for (var proxy : trusted) {
            if (proxy.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What failure and report limits count an address as: an IPv4 address as it is, an IPv6 address by its /64 (one
     * allocation to one customer: rotating inside it must not reset the count). Null stays null.
     */
    public static String counted(String address) {
        var single = address == null ? null : Cidr.parse(address).orElse(null);
        if (single == null) {
            return address;
        }
        if (single.network().length == 4) { // an IPv4 address, or an IPv4-mapped IPv6 one
            return NetUtil.bytesToIpAddress(single.network());
        }
        return Cidr.parse(address + "/64").map(Cidr::toString).orElse(address);
    }
}
