package io.keyplane.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy a test may break, in front of the machine's shared PostgreSQL (which no test may stop) or Redis:
 * {@link #cut} drops every connection and refuses new ones, as a server that went away; {@link #pause} holds every
 * byte in flight, as a server that stopped answering; {@link #restore} and {@link #resume} undo them.
 * {@link #pauseListeners} holds only the connections that sent a {@code LISTEN}: the database answers queries, but
 * change notifications stop, as when only that connection's route died.
 */
public final class TcpProxy implements AutoCloseable {

    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final java.util.Set<Socket> listeners = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private boolean paused;
    private boolean listenersPaused;
    private volatile String name;
    private final java.util.Set<Socket> silenced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        this.port = listen(0);
    }

    /**
     * A proxy shared by name across class loaders: a Quarkus test profile starts it, and the test, which sees
     * another copy of this class, pauses it with {@link #pause(String)}. Only strings in the system properties pass
     * between them.
     */
    public static synchronized int shared(String name, int targetPort) {
        var known = System.getProperty("test-proxy." + name + ".port");
        if (known != null) {
            return Integer.parseInt(known);
        }
        var proxy = new TcpProxy(targetPort);
        proxy.name = name;
        System.setProperty("test-proxy." + name + ".port", String.valueOf(proxy.port()));
        return proxy.port();
    }

    /**
     * Holds every byte through the shared proxy {@code name}; with {@code false}, new connections work again, while
     * those that met the pause stay silent (a dead route that never resets): the client must give up on them.
     */
    public static void pause(String name, boolean paused) {
        System.setProperty("test-proxy." + name + ".paused", String.valueOf(paused));
    }

    public int port() {
        return port;
    }

    private int listen(int onPort) {
        try {
            var socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
            server = socket;
            var acceptor = new Thread(() -> accept(socket), "proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                var client = socket.accept();
                var upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client.getInputStream(), upstream.getOutputStream(), client, upstream, true);
                pump(upstream.getInputStream(), client.getOutputStream(), client, upstream, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, Socket client, Socket upstream, boolean fromClient) {
        var thread = new Thread(() -> {
            var buffer = new byte[16 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0;) {
                    if (fromClient && new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).contains("LISTEN ")) {
                        listeners.add(client);
                    }
                    awaitResumed(client);
                    if (!fromClient) {
                        slowDown();
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other side went away, or the proxy was cut
            } finally {
                listeners.remove(client);
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }, "proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void awaitResumed(Socket client) throws InterruptedException {
        while (paused || (listenersPaused && listeners.contains(client)) || silenced(client)) {
            wait(20); // a shared proxy is paused through a system property, which notifies nobody
        }
    }

    /** Through a shared proxy slowed with {@link #delay(String, long)}: each answer waits that long. */
    private void slowDown() throws InterruptedException {
        long millis = name == null ? 0 : Long.getLong("test-proxy." + name + ".delay-ms", 0);
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    /** Every answer through the shared proxy {@code name} waits {@code millis} (0: none): a slow server. */
    public static void delay(String name, long millis) {
        System.setProperty("test-proxy." + name + ".delay-ms", String.valueOf(millis));
    }

    /** Through a shared proxy, a connection that met a pause stays silent for good: only new ones recover. */
    private boolean silenced(Socket client) {
        if (name != null && Boolean.getBoolean("test-proxy." + name + ".paused")) {
            silenced.add(client);
        }
        return silenced.contains(client);
    }

    /** Holds the bytes of every connection that listens for notifications, now and later, until resumed. */
    public synchronized void pauseListeners() {
        listenersPaused = true;
    }

    public synchronized void resumeListeners() {
        listenersPaused = false;
        notifyAll();
    }

    /** Every connection is dropped, and new ones are refused, until {@link #restore}. */
    public void cut() {
        closeQuietly(server);
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    public void restore() {
        listen(port);
    }

    /** Bytes are held, in both directions, until {@link #resume}: a database that stopped answering. */
    public synchronized void pause() {
        paused = true;
    }

    public synchronized void resume() {
        paused = false;
        notifyAll();
    }

    @Override
    public void close() {
        resume();
        resumeListeners();
        cut();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // closing: nothing left to do
        }
    }
}
