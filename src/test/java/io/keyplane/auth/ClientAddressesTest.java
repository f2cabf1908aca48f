package io.keyplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.keyplane.key.Cidr;

/** The start-up rule for forwarded headers, and what the failure limits count an address as. */
class ClientAddressesTest {

    @Test
    void forwardingWithoutTrustedProxiesStopsStartUpNamingTheSetting() {
        var addresses = new ClientAddresses(true, true, false, Optional.empty());
        var refused = assertThrows(IllegalStateException.class, () -> addresses.checkAtStart(null));
        assertTrue(refused.getMessage().contains("quarkus.http.proxy.trusted-proxies"), refused.getMessage());
        // forwarding off needs no proxies; forwarding with proxies starts
        new ClientAddresses(false, false, false, Optional.empty()).checkAtStart(null);
        new ClientAddresses(true, true, false, Optional.of(List.of("10.0.0.0/8", "192.0.2.7:8080", "[::1]:443", "localhost")))
                .checkAtStart(null);
    }

    @Test
    void trustedProxiesAreAddressesNetworksOrNamesResolvedOnce() {
        assertEquals(List.of(Cidr.parse("10.0.0.0/8").orElseThrow()), ClientAddresses.parse("10.0.0.0/8"));
        assertEquals(List.of(Cidr.parse("192.0.2.7").orElseThrow()), ClientAddresses.parse("192.0.2.7:8080"));
        assertEquals(List.of(Cidr.parse("::1").orElseThrow()), ClientAddresses.parse("[::1]:443"));
        assertTrue(ClientAddresses.parse("localhost").stream().anyMatch(c -> c.contains("127.0.0.1")));
        assertThrows(IllegalStateException.class, () -> ClientAddresses.parse("no-such-host.invalid"));
    }

    @Test
    void ipv6AddressesCountByTheirSlash64AndIpv4ByThemselves() {
        assertEquals("2001:db8:1:2::/64", ClientAddresses.counted("2001:db8:1:2::1"));
        assertEquals("2001:db8:1:2::/64", ClientAddresses.counted("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertEquals("2001:db8:1:3::/64", ClientAddresses.counted("2001:db8:1:3::1"));
        assertEquals("203.0.113.9", ClientAddresses.counted("203.0.113.9"));
        assertEquals("203.0.113.9", ClientAddresses.counted("::ffff:203.0.113.9"));
        assertEquals("unknown", ClientAddresses.counted("unknown"));
        assertEquals(null, ClientAddresses.counted(null));
    }
}
