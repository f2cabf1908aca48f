package io.keyplane.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class CidrTest {

    static Cidr cidr(String text) {
        return Cidr.parse(text).orElseThrow();
    }

    @Test
    void canonicalFormClearsHostBits() {
        assertEquals("10.0.0.0/8", cidr("10.1.2.3/8").toString());
        assertEquals("192.168.0.7/32", cidr("192.168.0.7").toString());
        assertEquals("2001:db8::/32", cidr("2001:db8::1/32").toString());
        assertEquals("::1/128", cidr("::1").toString());
        assertEquals("0.0.0.0/0", cidr("1.2.3.4/0").toString());
    }

    @Test
    void rejectsAnythingButAddressLiterals() {
        for (var bad : new String[] { "example.com", "localhost", "10.0.0.0/33", "::/129", "1.2.3", "300.1.1.1",
                "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8/8", "", " ", "1.2.3.4/ 8" }) {
            assertEquals(Optional.empty(), Cidr.parse(bad), bad);
        }
    }

    @Test
    void anIpv4MappedNetworkIsTheIpv4NetworkItMaps() {
        assertEquals("10.1.2.3/32", cidr("::ffff:10.1.2.3").toString());
        assertEquals("10.0.0.0/8", cidr("::ffff:10.1.2.3/104").toString());
        assertEquals("10.1.2.3/32", cidr(cidr("::ffff:10.1.2.3").toString()).toString(), "stored form parses again");
        assertTrue(cidr("::ffff:10.1.2.3").contains("10.1.2.3"));
        assertFalse(cidr("::ffff:10.1.2.3").contains("8.8.8.8"));
        assertEquals(Optional.empty(), Cidr.parse("::ffff:10.1.2.3/95"), "wider than the mapped range");
    }

    @Test
    void anUnreadableRuleContainsNothing() {
        assertFalse(Cidr.UNREADABLE.contains("8.8.8.8"));
        assertFalse(Cidr.UNREADABLE.contains("::1"));
    }

    @Test
    void containsAtTheEdges() {
        var net = cidr("203.0.113.0/24");
        assertTrue(net.contains("203.0.113.0"));
        assertTrue(net.contains("203.0.113.255"));
        assertFalse(net.contains("203.0.112.255"));
        assertFalse(net.contains("203.0.114.0"));
        assertTrue(net.contains("::ffff:203.0.113.9"), "IPv4-mapped IPv6 address");
        assertFalse(net.contains("2001:db8::1"), "other family");
        assertFalse(net.contains("garbage"));
        assertFalse(net.contains(null));
        assertTrue(cidr("0.0.0.0/0").contains("8.8.8.8"));
        var v6 = cidr("2001:db8::/127");
        assertTrue(v6.contains("2001:db8::1"));
        assertFalse(v6.contains("2001:db8::2"));
    }
}
