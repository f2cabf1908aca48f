package io.keyplane.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A server that accepts connections and never answers: a dependency that hangs rather than fails. */
public final class SilentServer {

    private static SilentServer running;

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private SilentServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        var acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    accepted.add(server.accept()); // read nothing, write nothing
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port of the one silent server of this test JVM, started on first use. */
    public static synchronized int port() {
        try {
            if (running == null) {
                running = new SilentServer();
            }
            return running.server.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connections the silent server has accepted so far (and holds open, answering nothing). */
    public static synchronized int accepted() {
        port();
        return running.accepted.size();
    }

    /** A local port nothing listens on: connections to it are refused. */
    public static int closedPort() {
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
