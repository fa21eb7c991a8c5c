# SPDX-License-Identifier: BSD-3-Clause
# Shared by the ci/ scripts: where the tree is, and a configure helper.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

# configure DIR [meson options...]: (re)configure a build directory.
configure() {
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}
