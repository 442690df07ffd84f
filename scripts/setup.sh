#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a built, working normalize:
# install what the build and tests need, configure, compile, and show one
# real conversion. Safe to run again: it only installs what is missing and
# reconfigures an existing build directory instead of failing on it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=build

# Debian packages the build and the test suites use. jq is here because the
# benchmark compares against it; other peers are bench/run's business.
packages=(gcc clang meson ninja-build pkg-config python3 libjansson-dev
          libcmocka-dev valgrind jq libpcre2-dev libidn2-dev libxxhash-dev
          libcsv-dev miller libyaml-dev libxml2-dev)

is_installed() {
    local status
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
    [[ $status == "install ok installed" ]]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup.sh: dpkg-query not found; this script expects Debian 12." >&2
    echo "Install by hand: ${packages[*]}" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    is_installed "$p" || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
    echo "==> installing missing packages: ${missing[*]}"
    if [[ $(id -u) -eq 0 ]]; then
        as_root=()
    elif command -v sudo >/dev/null 2>&1; then
        # Without a terminal (CI) sudo must not wait for a password.
        if [[ -t 0 ]]; then as_root=(sudo); else as_root=(sudo -n); fi
    else
        echo "setup.sh: not root and sudo is not available." >&2
        echo "As root, run:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update
    "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
else
    echo "==> all needed packages are installed"
fi

if [[ -f $build_dir/meson-private/coredata.dat ]]; then
    echo "==> reconfiguring $build_dir/"
    meson setup --reconfigure "$build_dir" --werror
else
    echo "==> configuring $build_dir/"
    meson setup "$build_dir" --werror
fi

echo "==> compiling"
meson compile -C "$build_dir"

demo_out=$build_dir/orders.json
demo=(./"$build_dir"/cli/normalize convert -f ndjson -t json --pretty --array
      -o "$demo_out" testdata/examples/orders.ndjson)
echo "==> demo: the NDJSON orders in testdata/examples/ as one pretty JSON array"
echo "+ ${demo[*]}"
"${demo[@]}"
head -n 22 "$demo_out"
echo "  ... ($(wc -l < "$demo_out") lines in $demo_out)"
echo
echo "Done. Next: meson test -C $build_dir"
