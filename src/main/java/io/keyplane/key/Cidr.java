package io.keyplane.key;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import io.netty.util.NetUtil;

/**
 * An IPv4 or IPv6 network in CIDR form. Parsing never resolves names: only address literals are accepted. An
 * IPv4-mapped IPv6 network ({@code ::ffff:10.1.2.3}, {@code ::ffff:10.0.0.0/104}) is the IPv4 network it maps.
 */
public record Cidr(byte[] network, int prefix) {

    /** Stands for a stored rule that no longer parses: it contains no address, so the key is refused everywhere. */
    public static final Cidr UNREADABLE = new Cidr(new byte[0], 0);

    /** Longer than any address or block written out (an IPv6 block is at most 43 characters). */
    public static final int MAX_LENGTH = 64;

    public static Optional<Cidr> parse(String text) {
        if (text == null || text.isBlank() || text.length() > 64) {
            return Optional.empty();
        }
        var slash = text.indexOf('/');
        var address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            return Optional.empty();
        }
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            var bits = text.substring(slash + 1);
            if (!bits.matches("\\d{1,3}")) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(bits);
            if (prefix > max) {
                return Optional.empty();
            }
        }
        if (address.length == 16 && isV4Mapped(address)) {
            if (prefix < 96) {
                return Optional.empty(); // reaches beyond the mapped range: no IPv4 network says that
            }
            address = java.util.Arrays.copyOfRange(address, 12, 16);
            prefix -= 96;
        }
        return Optional.of(new Cidr(mask(address, prefix), prefix));
    }

    /** Whether an address literal lies in this network; false for anything unparsable or of the other family. */
    public boolean contains(String ip) {
        var address = ip == null ? null : NetUtil.createByteArrayFromIpAddressString(ip);
        if (address != null && address.length == 16 && network.length == 4 && isV4Mapped(address)) {
            address = java.util.Arrays.copyOfRange(address, 12, 16);
        }
        return address != null && address.length == network.length
                && java.util.Arrays.equals(mask(address, prefix), network);
    }

    /** Canonical text: network address and prefix, e.g. 10.0.0.5/8 becomes 10.0.0.0/8. */
    @Override
    public String toString() {
        try {
            return NetUtil.toAddressString(InetAddress.getByAddress(network)) + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        var out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefix;
    }
}
