#!/usr/bin/env bash
# Builds the JDK's native libraries as static archives (java.base: libjava.a, libnio.a, libnet.a, libzip.a,
# libjimage.a, ...; jdk.management: libmanagement_ext.a, for the process metrics), which native-image links
# into the executable. GraalVM distributions ship them in
# lib/static/linux-amd64/glibc; Temurin does not, so they are built from Debian's openjdk-25 source package,
# the same release as Temurin 25.0.3 (25.0.3+9). Measured: ~6 min on 2 cores, once; then cached.
#
# Usage: tools/native/jdk-static-libs.sh <destination dir>     (the .a files land directly in it)
# Env:   CACHE (default /tmp/keyplane-native-cache), SRC_JDK (boot JDK, default Temurin 25)
# Needs: Debian's package servers, for the source tarball and the build dependencies (apt).
set -euo pipefail

DEST=${1:?destination directory}
CACHE=${CACHE:-/tmp/keyplane-native-cache}
SRC_JDK=${SRC_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
VERSION=25.0.3+9
LIBS=(java.base/libjava java.base/libnio java.base/libnet java.base/libzip java.base/libjimage
      jdk.management/libmanagement_ext)

missing_lib=0
for lib in "${LIBS[@]}"; do [ -f "$DEST/${lib#*/}.a" ] || missing_lib=1; done
[ $missing_lib = 1 ] || exit 0

# Debian's upstream tarball of that release, pinned by checksum (fetched from the pool: trixie has moved on).
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || echo http://deb.debian.org/debian)
ORIG=$CACHE/openjdk-25_$VERSION.orig.tar.xz
SHA256=2dd6c441b49705480db1ebfcd03f43d5dcb7f1d4290e98c1fa6eeefae50cfa07
SRC=$CACHE/openjdk-25-$VERSION
mkdir -p "$CACHE"
if [ ! -f "$SRC/configure" ]; then
  if [ ! -f "$ORIG" ]; then
    curl -sSf -o "$ORIG.tmp" "$MIRROR/pool/main/o/openjdk-25/openjdk-25_$VERSION.orig.tar.xz" && mv "$ORIG.tmp" "$ORIG"
  fi
  echo "$SHA256  $ORIG" | sha256sum -c --quiet - || { rm -f "$ORIG"; echo "openjdk-25 $VERSION source: download failed or checksum mismatch" >&2; exit 1; }
  rm -rf "$SRC.tmp" && mkdir -p "$SRC.tmp"
  tar xJf "$ORIG" -C "$SRC.tmp" --strip-components=1
  mv "$SRC.tmp" "$SRC"
fi

# Build dependencies of a headless java.base (configure checks for the X11/CUPS/ALSA headers even so).
missing=()
for p in autoconf make zip unzip file libcups2-dev libasound2-dev libx11-dev libxext-dev libxrender-dev \
         libxrandr-dev libxtst-dev libxt-dev libfontconfig1-dev zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get -qq update
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD=$SRC/build/linux-x86_64-server-release
if [ ! -f "$BUILD/spec.gmk" ]; then
  (cd "$SRC" && bash configure --with-boot-jdk="$SRC_JDK" --enable-headless-only --with-debug-level=release \
     --disable-warnings-as-errors --with-native-debug-symbols=none --with-jvm-variants=server \
     --with-version-string="$VERSION" --with-zlib=system >/dev/null)
fi
(cd "$SRC" && make java.base-static-libs jdk.management-static-libs JOBS="$(nproc)" >/dev/null)

mkdir -p "$DEST"
for lib in "${LIBS[@]}"; do
  cp "$BUILD/support/native/${lib%%/*}/${lib#*/}/static/${lib#*/}.a" "$DEST/"
done
ls "$DEST"
