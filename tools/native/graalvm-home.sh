#!/usr/bin/env bash
# Assembles a GraalVM-like home for machines without GraalVM, Mandrel or a container engine, and prints its
# path: GRAALVM_HOME=$(tools/native/graalvm-home.sh) ./mvnw verify -Dnative
#
# A verification aid, not a distribution: the GraalVM 25.0.2 image builder from Maven Central runs on a private
# copy of Temurin 25, with the pieces GraalVM ships but Maven Central does not built here (tools/native/README.md "Native"):
#   bin/native-image                          tools/native/native-image (driver stand-in) + lib/svm/TranslateArgs.java
#   lib/svm/builder/*.jar                     org.graalvm.nativeimage:svm:25.0.2 and its dependencies
#   lib/svm/builder.args                      the builder JVM's flags (JVMCI, module path, --add-exports)
#   lib/svm/builder/lib/libreporterchelper.so tools/native/reporterchelper.c
#   lib/svm/clibraries/linux-amd64/           headers from svm.jar + tools/native/svm-standins.c, jvm-standins.c
#   lib/static/linux-amd64/glibc/*.a          JDK static libraries (tools/native/jdk-static-libs.sh)
# Cached in $CACHE (default /tmp/keyplane-native-cache): a second run takes a second. Progress goes to stderr.
set -euo pipefail

V=25.0.2                                        # newest complete svm set on Maven Central
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd) # the repository root, for its Maven wrapper
CACHE=${CACHE:-/tmp/keyplane-native-cache}
SRC_JDK=${SRC_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
GRAAL_HOME=$CACHE/graalvm-home-$V
SVM=$GRAAL_HOME/lib/svm
CLIBS=$SVM/clibraries/linux-amd64
log() { echo "graalvm-home: $*" >&2; }

# 1. Private JDK copy: the builder finds its helpers relative to java.home, which follows the real path of
#    libjvm.so, so a symlinked JDK does not work.
if [ ! -x "$GRAAL_HOME/bin/java" ]; then
  log "copying $SRC_JDK"
  rm -rf "$GRAAL_HOME.tmp" && mkdir -p "$CACHE" && cp -a "$SRC_JDK" "$GRAAL_HOME.tmp" && mv "$GRAAL_HOME.tmp" "$GRAAL_HOME"
fi
JAVA=$GRAAL_HOME/bin/java

# 2. Builder jars (svm and its 12 dependencies) through a throwaway pom.
LIB=$SVM/builder
if [ ! -f "$LIB/svm-$V.jar" ]; then
  log "resolving org.graalvm.nativeimage:svm:$V"
  mkdir -p "$CACHE/builder-pom"
  cat > "$CACHE/builder-pom/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>builder</artifactId><version>1</version>
<dependencies><dependency><groupId>org.graalvm.nativeimage</groupId><artifactId>svm</artifactId><version>$V</version></dependency></dependencies>
</project>
POM
  "$ROOT/mvnw" -B -q -f "$CACHE/builder-pom/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB" >&2
fi

# 3. Native helpers, rebuilt whenever their sources change (cheap).
mkdir -p "$LIB/lib" "$CLIBS/include" "$GRAAL_HOME/lib/static/linux-amd64/glibc"
gcc -O2 -shared -fPIC -I "$GRAAL_HOME/include" -I "$GRAAL_HOME/include/linux" \
    -o "$LIB/lib/libreporterchelper.so" "$HERE/reporterchelper.c"
for arch in amd64:AMD64 aarch64:AArch64 riscv64:RISCV64; do   # the builder queries every architecture's header
  header=$CLIBS/include/${arch%%:*}cpufeatures.h
  [ -f "$header" ] || "$JAVA" -cp "$LIB/svm-$V.jar:$LIB/nativeimage-$V.jar:$LIB/word-$V.jar" "$HERE/CpuFeaturesHeader.java" \
      "com.oracle.svm.core.${arch%%:*}.${arch##*:}LibCHelper\$CPUFeatures" > "$header"
done
cp "$HERE/svm_locale.h" "$CLIBS/include/"
gcc -O2 -fPIC -c -I "$CLIBS/include" -o "$CLIBS/svm-standins.o" "$HERE/svm-standins.c"
gcc -O2 -fPIC -c -o "$CLIBS/jvm-standins.o" "$HERE/jvm-standins.c"
for archive in liblibchelper.a libsvm_container.a; do
  rm -f "$CLIBS/$archive" && ar rcs "$CLIBS/$archive" "$CLIBS/svm-standins.o"
done
rm -f "$CLIBS/libjvm.a" && ar rcs "$CLIBS/libjvm.a" "$CLIBS/jvm-standins.o"
rm -f "$CLIBS"/*.o
cp "$HERE/native-image" "$GRAAL_HOME/bin/native-image"
cp "$HERE/TranslateArgs.java" "$SVM/TranslateArgs.java"

# 4. JDK static libraries (built once from source, ~2-6 min).
STATIC=$GRAAL_HOME/lib/static/linux-amd64/glibc
if [ ! -f "$STATIC/libjava.a" ] || [ ! -f "$STATIC/libmanagement_ext.a" ]; then
  log "building the JDK static libraries (once)"
  CACHE=$CACHE SRC_JDK=$SRC_JDK "$HERE/jdk-static-libs.sh" "$STATIC" >&2
fi

# 5. The builder JVM's flags, as the unpublished driver computes them: JVMCI, the module path (Temurin's
#    jdk.graal.compiler is an empty stub, so the compiler jar is an upgrade module) and --add-exports of the
#    JDK packages the builder uses.
if [ ! -f "$SVM/builder.args" ]; then
  targets=jdk.graal.compiler,org.graalvm.nativeimage.builder,org.graalvm.nativeimage.base,org.graalvm.nativeimage.pointsto,org.graalvm.nativeimage.objectfile,org.graalvm.nativeimage.configure,org.graalvm.espresso.shared.svm
  {
    printf '%s\n' -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:-UseJVMCICompiler -Xss10m -XX:+UseParallelGC \
      -Dgraalvm.locatorDisabled=true -Dorg.graalvm.nativeimage.imagecode=buildtime -Dorg.graalvm.version=$V \
      "-Dorg.graalvm.vendorversion=\"GraalVM CE $V\"" \
      -Djdk.internal.lambda.disableEagerInitialization=true -Djdk.internal.lambda.eagerlyInitialize=false \
      -Djava.lang.invoke.InnerClassLambdaMetafactory.initializeLambdas=false \
      -Djava.lang.invoke.MethodHandle.DONT_INLINE_THRESHOLD=-1 -Djava.lang.invoke.MethodHandle.PROFILE_GWT=false \
      -Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader \
      --enable-native-access=ALL-UNNAMED,org.graalvm.nativeimage.builder,org.graalvm.nativeimage.base,org.graalvm.nativeimage.pointsto,jdk.graal.compiler \
      --upgrade-module-path "$LIB/compiler-$V.jar" \
      --module-path "$(ls "$LIB"/*.jar | grep -v "/compiler-$V.jar" | paste -sd:)"
    for m in java.base jdk.internal.vm.ci java.management jdk.management jdk.jfr jdk.internal.jvmstat jdk.unsupported \
             java.logging jdk.zipfs java.xml java.desktop java.naming java.rmi java.security.jgss jdk.crypto.cryptoki \
             jdk.jdi jdk.internal.opt java.instrument jdk.attach; do
      "$JAVA" --describe-module $m | awk -v m=$m -v t=$targets \
        '$1=="contains"||$1=="exports"||$1=="qualified"{p=($1=="qualified")?$3:$2; print "--add-exports=" m "/" p "=" t}'
    done | sort -u
  } > "$SVM/builder.args.tmp"
  mv "$SVM/builder.args.tmp" "$SVM/builder.args"
fi

echo "$GRAAL_HOME"
