#!/usr/bin/env bash
# Native-image ANALYSIS + AOT COMPILE (no link) of Keyplane, without a GraalVM install.
#
# Runs the GraalVM 25.0.2 builder (org.graalvm.nativeimage:svm from Maven Central) on the
# Temurin 25 JDK against Quarkus' native sources, and stops after writing the relocatable
# object (-H:+ExitAfterRelocatableImageWrite). Background: README, section "Native".
#
# First:  ./mvnw -B package -DskipTests -Dnative -Dquarkus.native.sources-only=true
# Then:   native/build-analysis.sh            (from the project root)
# Env:    CACHE  (default /tmp/keyplane-native-cache)  builder jars + private JDK copy
#         XMX    (default 8g; keep <= 10g on shared machines)
#         SRC_JDK (default /usr/lib/jvm/temurin-25-jdk-amd64)
#         Extra arguments are passed to the builder, e.g. -H:+ReturnAfterAnalysis (analysis
#         only; the builder then exits with status 2 after "Finished generating").
# Exit status is the builder's (0 = analysis + compile succeeded).
# Output: target/native-analysis/ (build.log, time.txt, translated args, tmp/SVM-*/<name>.o).
set -euo pipefail

V=25.0.2                                   # newest complete svm set on Maven Central
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/native
SOURCES=$ROOT/target/native-sources        # written by Quarkus with quarkus.native.sources-only
OUT=$ROOT/target/native-analysis
CACHE=${CACHE:-/tmp/keyplane-native-cache}
SRC_JDK=${SRC_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
XMX=${XMX:-8g}
JDK=$CACHE/jdk-$(basename "$SRC_JDK")
LIB=$CACHE/builder/lib

[ -f "$SOURCES/native-image.args" ] || { echo "missing $SOURCES/native-image.args; run: ./mvnw -B package -DskipTests -Dnative -Dquarkus.native.sources-only=true" >&2; exit 2; }

# 1. Builder jars (svm + transitive deps, 13 jars) via a throwaway pom.
if [ ! -f "$LIB/svm-$V.jar" ]; then
  mkdir -p "$CACHE/builder"
  cat > "$CACHE/builder/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>builder</artifactId><version>1</version>
<dependencies><dependency><groupId>org.graalvm.nativeimage</groupId><artifactId>svm</artifactId><version>$V</version></dependency></dependencies>
</project>
POM
  "$ROOT/mvnw" -B -q -f "$CACHE/builder/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB"
fi

# 2. Private JDK copy: the builder finds helpers relative to java.home, which follows the real
#    path of libjvm.so (symlinks do not work). It needs lib/svm/builder/lib/libreporterchelper.so
#    (terminal width, peak RSS), built here from native/reporterchelper.c.
if [ ! -x "$JDK/bin/java" ]; then
  rm -rf "$JDK.tmp" && cp -a "$SRC_JDK" "$JDK.tmp" && mv "$JDK.tmp" "$JDK"
fi
HELPER=$JDK/lib/svm/builder/lib/libreporterchelper.so
if [ ! -f "$HELPER" ]; then
  mkdir -p "$(dirname "$HELPER")"
  gcc -O2 -shared -fPIC -I "$JDK/include" -I "$JDK/include/linux" -o "$HELPER" "$HERE/reporterchelper.c"
fi

# 3. C headers GraalVM ships in lib/svm/clibraries (not on Maven Central): <arch>cpufeatures.h
#    is generated from svm.jar's @CField names (the builder queries all architectures' headers);
#    svm_locale.h is static (native/svm_locale.h).
CLIBS=$CACHE/clibraries-$V
mkdir -p "$CLIBS/include"
for arch in amd64:AMD64 aarch64:AArch64 riscv64:RISCV64; do
  h=$CLIBS/include/${arch%%:*}cpufeatures.h
  [ -f "$h" ] && continue
  "$JDK/bin/java" -cp "$LIB/svm-$V.jar:$LIB/nativeimage-$V.jar:$LIB/word-$V.jar" "$HERE/CpuFeaturesHeader.java" \
      "com.oracle.svm.core.${arch%%:*}.${arch##*:}LibCHelper\$CPUFeatures" > "$h.tmp"
  mv "$h.tmp" "$h"
done
cp "$HERE/svm_locale.h" "$CLIBS/include/svm_locale.h"

# 4. Translate Quarkus' driver arguments (native-image.args + META-INF/native-image of the jars).
rm -rf "$OUT" && mkdir -p "$OUT/tmp"
"$JDK/bin/java" "$HERE/TranslateArgs.java" "$SOURCES" "$OUT"
mapfile -t APP_JVM < "$OUT/jvm.args"
mapfile -t IMAGE < "$OUT/image.args"

# 5. Builder JVM flags the driver would compute: JVMCI, the builder module path (Temurin's
#    jdk.graal.compiler is an empty stub, so the compiler jar is an upgrade module), and
#    --add-exports of all packages of the JDK modules the builder uses.
TARGETS=jdk.graal.compiler,org.graalvm.nativeimage.builder,org.graalvm.nativeimage.base,org.graalvm.nativeimage.pointsto,org.graalvm.nativeimage.objectfile,org.graalvm.nativeimage.configure,org.graalvm.espresso.shared.svm
EXPORTS=()
for m in java.base jdk.internal.vm.ci java.management jdk.management jdk.jfr jdk.internal.jvmstat jdk.unsupported \
         java.logging jdk.zipfs java.xml java.desktop java.naming java.rmi java.security.jgss jdk.crypto.cryptoki \
         jdk.jdi jdk.internal.opt java.instrument jdk.attach; do
  mapfile -t -O ${#EXPORTS[@]} EXPORTS < <("$JDK/bin/java" --describe-module $m | awk -v m=$m -v t=$TARGETS \
    '$1=="contains"||$1=="exports"||$1=="qualified"{p=($1=="qualified")?$3:$2; print "--add-exports=" m "/" p "=" t}' | sort -u)
done
MODULE_PATH=$(ls "$LIB"/*.jar | grep -v "/compiler-$V.jar" | paste -sd:)
JVM=(
  -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:-UseJVMCICompiler
  -Xss10m -Xmx"$XMX" -XX:+UseParallelGC
  -Dgraalvm.locatorDisabled=true
  -Dorg.graalvm.nativeimage.imagecode=buildtime
  -Dorg.graalvm.version=$V
  "-Dorg.graalvm.vendorversion=GraalVM CE $V"   # read by Quarkus' GraalVM.Version at build time
  -Djdk.internal.lambda.disableEagerInitialization=true
  -Djdk.internal.lambda.eagerlyInitialize=false
  -Djava.lang.invoke.InnerClassLambdaMetafactory.initializeLambdas=false
  -Djava.lang.invoke.MethodHandle.DONT_INLINE_THRESHOLD=-1
  -Djava.lang.invoke.MethodHandle.PROFILE_GWT=false
  -Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader
  --enable-native-access=ALL-UNNAMED,org.graalvm.nativeimage.builder,org.graalvm.nativeimage.base,org.graalvm.nativeimage.pointsto,jdk.graal.compiler
  --upgrade-module-path "$LIB/compiler-$V.jar"
  --module-path "$MODULE_PATH"
  "${EXPORTS[@]}"
  "${APP_JVM[@]}"
)

# 6. Run the builder (cwd = native-sources, like Quarkus' own native-image invocation).
cd "$SOURCES"
TIMER=()   # wall time and peak RSS when GNU time is installed (Debian package "time")
[ -x /usr/bin/time ] && TIMER=(/usr/bin/time -v -o "$OUT/time.txt")
set +e
"${TIMER[@]}" "$JDK/bin/java" "${JVM[@]}" \
  --module org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner \
  -imagecp "$(cat "$OUT/imagecp")" \
  "${IMAGE[@]}" \
  -H:CLibraryPath="$CLIBS" \
  -H:Path="$OUT" \
  -H:TempDirectory="$OUT/tmp" \
  -H:ImageBuildID="$(cat /proc/sys/kernel/random/uuid)" \
  -H:+ExitAfterRelocatableImageWrite \
  "$@" 2>&1 | tee "$OUT/build.log"
rc=${PIPESTATUS[0]}
set -e
grep -E 'Elapsed \(wall|Maximum resident' "$OUT/time.txt" 2>/dev/null || true
[ $rc -eq 0 ] && ls -la "$OUT"/tmp/SVM-*/*.o 2>/dev/null
exit $rc
