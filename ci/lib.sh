# SPDX-License-Identifier: BSD-3-Clause
# Shared by the ci/ scripts: where the tree is, and a configure helper.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

# configure DIR [meson options...]: (re)configure a build directory.
# meson prints its errors on stdout: keep the output and show it on failure.
configure() {
  local dir=$1 out
  shift
  if [ -f "$dir/build.ninja" ]; then
    out=$(meson configure "$dir" "$@" 2>&1) || { echo "$out"; return 1; }
  else
    out=$(meson setup "$dir" "$@" 2>&1) || { echo "$out"; return 1; }
  fi
}
