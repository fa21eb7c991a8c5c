#!/bin/bash -eu
# SPDX-License-Identifier: BSD-3-Clause
# OSS-Fuzz / ClusterFuzzLite build script (the conventions of
# https://google.github.io/oss-fuzz/getting-started/new-project-guide/):
# $CC and $CFLAGS carry the sanitizer and coverage flags, $LIB_FUZZING_ENGINE is the
# engine to link, everything goes to $OUT: one binary per fuzz/fuzz-<name>.c, with
# fuzz-<name>_seed_corpus.zip (fixtures/corpus/<name>/ and fixtures/regress/<name>/),
# fuzz-<name>.dict and fuzz-<name>.options next to it. json-c and zlib are linked
# statically, so the binaries run in the runner image that lacks them.
# Runs from the source tree ($SRC/vfsim) in the builder image (Dockerfile here).
src=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/vfsim
[ -d "$src/sim" ] || src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"

# With coverage instrumentation in $CFLAGS (libFuzzer, AFL), leave out of the
# feedback what every input runs the same way (fuzz/coverage-ignore.txt, as
# -Dfuzzing does).
case "$CFLAGS" in
  *-fsanitize=fuzzer*|*-fsanitize-coverage=*)
    CFLAGS="$CFLAGS -fsanitize-coverage-ignorelist=$src/fuzz/coverage-ignore.txt" ;;
esac

# The library, with the engine's instrumentation from $CFLAGS (not -Dfuzzing,
# which adds its own), no tests.
meson setup "$WORK/build" -Dtests=disabled -Dfuzzing=false -Dbuildtype=plain -Ddefault_library=static \
  -Dc_args="$CFLAGS" -Dc_link_args="$CFLAGS" --wipe 2>/dev/null || \
  meson setup "$WORK/build" -Dtests=disabled -Dfuzzing=false -Dbuildtype=plain -Dc_args="$CFLAGS" \
    -Dc_link_args="$CFLAGS"
ninja -C "$WORK/build" sim/libvfsim.a

for f in fuzz/fuzz-*.c; do
  name=$(basename "$f" .c)
  short=${name#fuzz-}
  $CC $CFLAGS -std=gnu11 -DFIXTURES_DIR="\"$src/fixtures\"" -Isim -Isim/include -Ifuzz \
    -c "$f" -o "$WORK/$name.o"
  $CC $CFLAGS "$WORK/$name.o" -o "$OUT/$name" $LIB_FUZZING_ENGINE "$WORK/build/sim/libvfsim.a" \
    -Wl,-Bstatic -ljson-c -lz -Wl,-Bdynamic -lpthread
  rm -f "$OUT/${name}_seed_corpus.zip"
  for d in "fixtures/corpus/$short" "fixtures/regress/$short"; do
    [ -d "$d" ] && (cd "$d" && zip -q -j "$OUT/${name}_seed_corpus.zip" ./*) || true
  done
  [ -f "fuzz/$name.dict" ] && cp "fuzz/$name.dict" "$OUT/"
  [ -f "fuzz/$name.options" ] && cp "fuzz/$name.options" "$OUT/"
done
# Targets that load profiles at run time (FIXTURES_DIR) find them here too.
mkdir -p "$OUT/fixtures" && cp -r fixtures/devices "$OUT/fixtures/"
