package io.keyplane.dev;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import org.junit.jupiter.api.Test;

/** When the dev profile may start an embedded PostgreSQL; the start itself is DevPostgresEmbeddedTest. */
class DevPostgresTest {

    @Test
    void onlyTheDevProfileWithALocalDatabaseMayEmbed() {
        assertTrue(DevPostgres.mayEmbed(List.of("dev"), "localhost"));
        assertTrue(DevPostgres.mayEmbed(List.of("dev"), "127.0.0.1"));
        assertTrue(DevPostgres.mayEmbed(List.of("dev"), "::1"));
        assertTrue(DevPostgres.mayEmbed(List.of("dev", "mine"), "localhost"));
    }

    @Test
    void productionAndTestsNeverEmbed() {
        assertFalse(DevPostgres.mayEmbed(List.of("prod"), "localhost"));
        assertFalse(DevPostgres.mayEmbed(List.of("test"), "localhost"));
        assertFalse(DevPostgres.mayEmbed(List.of(), "localhost"));
        assertFalse(DevPostgres.mayEmbed(List.of("develop"), "localhost"));
    }

    @Test
    void aDatabaseOnAnotherHostIsNeverReplaced() {
        assertFalse(DevPostgres.mayEmbed(List.of("dev"), "db.internal"));
        assertFalse(DevPostgres.mayEmbed(List.of("dev"), "10.0.0.5"));
    }

    @Test
    void answersTellsAnOpenPortFromAClosedOne() throws IOException {
        int port;
        try (var open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = open.getLocalPort();
            assertTrue(DevPostgres.answers("localhost", port));
        }
        assertFalse(DevPostgres.answers("localhost", port));
        assertFalse(DevPostgres.answers("no-such-host.invalid", port));
    }
}
