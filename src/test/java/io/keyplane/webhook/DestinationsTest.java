package io.keyplane.webhook;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Which addresses a webhook may reach, and the signature scheme against a value computed by hand. */
class DestinationsTest {

    static boolean notPublic(String literal) throws Exception {
        return Destinations.isNotPublic(InetAddress.getByName(literal));
    }

    @Test
    void loopbackLinkLocalPrivateAndReservedAddressesAreNotPublic() throws Exception {
        for (var address : new String[] { "127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255",
                "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
                "198.18.0.1", "::1", "::", "fe80::1", "fd00:ec2::254", "fc00::1", "ff02::1", "::ffff:10.0.0.1",
                "64:ff9b::7f00:1", "2002:c0a8:0101::1", "2001:db8::1" }) {
            assertThat(address, notPublic(address), is(true));
        }
    }

    @Test
    void publicAddressesArePublic() throws Exception {
        for (var address : new String[] { "93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1",
                "2606:4700::6810:85e5", "64:ff9b::808:808", "2002:0808:0808::1" }) {
            assertThat(address, notPublic(address), is(false));
        }
    }

    @Test
    void theSignatureIsStripesScheme() {
        // HMAC-SHA256("whsec_test", "1700000000.{}"), computed with: printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec_test
        assertThat(WebhookSecrets.signature("whsec_test", 1700000000L, "{}".getBytes(StandardCharsets.UTF_8)),
                is("t=1700000000,v1=" + EXPECTED));
    }

    static final String EXPECTED = "35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91";

    @Test
    void ipv4AddressesWrittenOtherwiseThanInFourDecimalsAreOdd() {
        for (var odd : java.util.List.of("0x7f000001", "2130706433", "0177.0.0.1", "127.1", "127.0.1", "0x7f.0.0.1",
                "127.0.0.1.", "00.0.0.0", "256.1.1.1", "017700000001")) {
            org.junit.jupiter.api.Assertions.assertTrue(Destinations.isOddlyWrittenAddress(odd), odd);
        }
        for (var plain : java.util.List.of("127.0.0.1", "93.184.215.14", "0.0.0.0", "example.com", "10.0.0.1.nip.io",
                "2001:db8::1", "api-2.example.com", "1e100.net")) {
            org.junit.jupiter.api.Assertions.assertFalse(Destinations.isOddlyWrittenAddress(plain), plain);
        }
    }
}
