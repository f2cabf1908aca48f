/*
 * Translates the arguments Quarkus passes to the `native-image` driver (which is not
 * published for GraalVM 25) into arguments for the builder,
 * com.oracle.svm.hosted.NativeImageGeneratorRunner. Used by tools/native/native-image.
 *
 * Does what the driver would do for these inputs:
 *   - driver options -> builder -H: options (table below); -J<flag> -> builder JVM flag
 *   - -jar <jar>: image class path = jar + its manifest Class-Path, -H:Class = Main-Class,
 *     manifest Add-Opens/Add-Exports -> builder JVM --add-opens/--add-exports
 *   - META-INF/native-image/** in every class-path jar: native-image.properties "Args"
 *     (and "JavaArgs") are translated the same way; JSON config files become
 *     -H:<Kind>Resources=<resource path>, minus those matched by --exclude-config.
 *
 * Usage: java TranslateArgs.java <out dir> <driver arguments...>   (paths relative to the cwd)
 * Writes <out>/jvm.args (builder JVM flags), <out>/image.args (builder arguments, without
 * -imagecp) and <out>/imagecp (the class path), one entry per line.
 * Unknown driver options are an error, so nothing is silently dropped.
 */
import java.io.*;
import java.nio.file.*;
import java.util.*;
import java.util.jar.*;
import java.util.regex.Pattern;
import java.util.zip.*;

public class TranslateArgs {
    /* driver option "--x=v" -> builder option "-H:Y=v" (the @APIOption names in svm.jar) */
    static final Map<String, String> API = Map.of(
            "--features", "-H:Features",
            "--enable-url-protocols", "-H:EnableURLProtocols",
            "--enable-monitoring", "-H:EnableMonitoringFeatures",
            "--enable-native-access", "-H:EnableNativeAccess",
            "--link-at-build-time", "-H:LinkAtBuildTime",
            "--link-at-build-time-paths", "-H:LinkAtBuildTimePaths");
    /* META-INF/native-image/** config file -> builder option (driver's MetaInfFileType) */
    static final Map<String, String> CONFIG = Map.of(
            "reachability-metadata.json", "-H:ReachabilityMetadataResources",
            "jni-config.json", "-H:JNIConfigurationResources",
            "foreign-config.json", "-H:ForeignResources",
            "reflect-config.json", "-H:ReflectionConfigurationResources",
            "resource-config.json", "-H:ResourceConfigurationResources",
            "proxy-config.json", "-H:DynamicProxyConfigurationResources",
            "serialization-config.json", "-H:SerializationConfigurationResources",
            "serialization-deny-config.json", "-H:SerializationDenyConfigurationResources",
            "predefined-classes-config.json", "-H:PredefinedClassesConfigurationResources");

    final List<String> jvm = new ArrayList<>(), image = new ArrayList<>(), cp = new ArrayList<>();
    final List<Pattern[]> excludes = new ArrayList<>();
    String name, mainClass;

    public static void main(String[] a) throws Exception {
        Path out = Paths.get(a[0]), cwd = Paths.get("").toAbsolutePath();
        TranslateArgs t = new TranslateArgs();
        t.translate(new ArrayDeque<>(Arrays.asList(a).subList(1, a.length)), cwd, true);
        if (t.cp.isEmpty() || t.mainClass == null) throw new IllegalStateException("no -jar <jar> among the arguments");
        for (String e : t.cp) t.scanMetaInf(Paths.get(e));
        t.image.add("-H:Class=" + t.mainClass);
        t.image.add("-H:Name=" + t.name);
        Files.createDirectories(out);
        Files.write(out.resolve("jvm.args"), t.jvm);
        Files.write(out.resolve("image.args"), t.image);
        Files.writeString(out.resolve("imagecp"), String.join(":", t.cp) + "\n");
    }

    /* One driver argument list; topLevel=false for native-image.properties Args. */
    void translate(Deque<String> q, Path dir, boolean topLevel) throws IOException {
        while (!q.isEmpty()) {
            String arg = q.poll();
            String key = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String val = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
            if (arg.startsWith("-J")) jvm.add(arg.substring(2));
            else if (arg.startsWith("-H:") || arg.startsWith("-R:")) image.add(arg);
            else if (arg.startsWith("-D")) jvm.add(arg);
            else if (key.equals("--initialize-at-build-time") || key.equals("--initialize-at-run-time")) {
                String kind = key.endsWith("build-time") ? "build_time" : "run_time";
                // an empty value means "everything", as with the driver
                for (String c : val.split(",", -1)) image.add("-H:ClassInitialization=" + c + ":" + kind);
            } else if (API.containsKey(key)) image.add(API.get(key) + "=" + val);
            else if (arg.equals("--no-fallback")) image.add("-H:FallbackThreshold=0");
            else if (arg.matches("-O[0-3bs]")) image.add("-H:Optimize=" + arg.substring(2));
            else if (arg.equals("--exclude-config")) excludes.add(new Pattern[] {Pattern.compile(q.poll()), Pattern.compile(q.poll())});
            else if (arg.equals("-jar") && topLevel) addJar(dir.resolve(q.poll()));
            else if (!arg.startsWith("-") && topLevel && name == null) name = arg;
            else throw new IllegalArgumentException("driver option not translated: " + arg);
        }
    }

    /* -jar: the jar, its manifest Class-Path (relative to the jar) and Main-Class. */
    void addJar(Path jar) throws IOException {
        cp.add(jar.toString());
        try (JarFile jf = new JarFile(jar.toFile())) {
            Attributes at = jf.getManifest().getMainAttributes();
            mainClass = at.getValue("Main-Class");
            // like `java -jar`: manifest Add-Opens/Add-Exports apply to the class-path code,
            // which runs in the builder JVM for build-time initialisation
            for (String kind : List.of("Add-Opens", "Add-Exports")) {
                String v = at.getValue(kind);
                if (v != null)
                    for (String mp : v.trim().split("\\s+")) jvm.add("--" + kind.toLowerCase() + "=" + mp + "=ALL-UNNAMED");
            }
            String classPath = at.getValue("Class-Path");
            if (classPath != null)
                for (String e : classPath.trim().split("\\s+")) cp.add(jar.getParent().resolve(e).normalize().toString());
        }
        if (name == null) name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
    }

    /* META-INF/native-image/** of one class-path entry, as the driver's MetaInf walker does. */
    void scanMetaInf(Path entry) throws IOException {
        if (!Files.isRegularFile(entry)) return;
        try (ZipFile zf = new ZipFile(entry.toFile())) {
            List<? extends ZipEntry> entries = Collections.list(zf.entries());
            entries.sort(Comparator.comparing(ZipEntry::getName));
            for (ZipEntry ze : entries) {
                String n = ze.getName();
                if (ze.isDirectory() || !n.startsWith("META-INF/native-image/")) continue;
                String file = n.substring(n.lastIndexOf('/') + 1);
                if (excluded(entry, "/" + n)) continue;
                if (file.equals("native-image.properties")) {
                    Properties p = new Properties();
                    try (InputStream in = zf.getInputStream(ze)) { p.load(in); }
                    String dir = n.substring(0, n.lastIndexOf('/'));
                    for (String k : List.of("Args", "JavaArgs")) {
                        String v = p.getProperty(k);
                        if (v == null || v.isBlank()) continue;
                        v = v.replace("${.}", dir); // driver substitution: the properties' own directory
                        Deque<String> q = new ArrayDeque<>(Arrays.asList(v.strip().split("\\s+")));
                        if (k.equals("JavaArgs")) jvm.addAll(q); else translate(q, null, false);
                    }
                } else if (CONFIG.containsKey(file)) image.add(CONFIG.get(file) + "=" + n);
            }
        }
    }

    boolean excluded(Path jar, String resource) {
        for (Pattern[] e : excludes)
            if (e[0].matcher(jar.toString()).find() && e[1].matcher(resource).find()) return true;
        return false;
    }
}
