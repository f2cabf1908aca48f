package io.keyplane.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The machine's Redis (127.0.0.1:6379), spoken to in RESP: to look at or set the shared rate-limit counters. */
public final class Redis {

    public static final String URL = "redis://127.0.0.1:6379";

    private Redis() {
    }

    /** Sends one command; the reply as a list of strings (one element for a simple or bulk reply, null for nil). */
    public static List<String> command(String... args) {
        try (var socket = new Socket("127.0.0.1", 6379)) {
            socket.setSoTimeout(5_000);
            var out = new StringBuilder("*").append(args.length).append("\r\n");
            for (var arg : args) {
                out.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            OutputStream os = socket.getOutputStream();
            os.write(out.toString().getBytes(StandardCharsets.UTF_8));
            os.flush();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            return reply(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> reply(BufferedReader in) throws IOException {
        var line = in.readLine();
        var result = new ArrayList<String>();
        switch (line.charAt(0)) {
            case '+', ':' -> result.add(line.substring(1));
            case '-' -> throw new IllegalStateException("Redis: " + line.substring(1));
            case '$' -> result.add(Integer.parseInt(line.substring(1)) < 0 ? null : in.readLine());
            case '*' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < n; i++) {
                    result.addAll(reply(in));
                }
            }
            default -> throw new IllegalStateException("unexpected Redis reply");
        }
        return result;
    }
}
