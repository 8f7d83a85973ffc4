#!/bin/sh
# Installs the Debian packages a make target needs, when some are missing.
# Usage: ensure-deps.sh build|run|test|debug|fuzz|wine
#
# It asks dpkg which packages are installed (fast, no network), says in one line what it
# will install, and runs apt-get through sudo when not root. On a new machine the package
# lists may be empty or stale, so a failed install is retried after apt-get update.
set -eu

base="gcc make binutils"
boot="grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools gnu-efi ovmf qemu-system-x86"
case "${1:-build}" in
    build) want="$base grub-common grub-pc-bin xorriso mtools gnu-efi" ;;
    run) want="$base $boot" ;;
    test) want="$base $boot gdb clang libclang-rt-dev" ;;
    debug) want="$base $boot gdb" ;;
    fuzz) want="$base clang libclang-rt-dev" ;;
    wine) want="$base wine wine64 gcc-mingw-w64-x86-64" ;;
    *) echo "ensure-deps.sh: unknown target '$1'" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "ensure-deps.sh: not a Debian system; make sure these are installed: $want" >&2
    exit 0
fi

missing=""
for p in $want; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "ensure-deps.sh: installing missing Debian packages:$missing"
sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
        echo "ensure-deps.sh: not root and no sudo; install them by hand:$missing" >&2
        exit 1
    }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
install() {
    $sudo apt-get install -y -q --no-install-recommends $missing >/tmp/reservoir-apt.$$ 2>&1
}
if ! install; then
    echo "ensure-deps.sh: install failed; running apt-get update and trying again"
    $sudo apt-get update -q >/dev/null 2>&1 || true
    if ! install; then
        cat /tmp/reservoir-apt.$$ >&2
        rm -f /tmp/reservoir-apt.$$
        exit 1
    fi
fi
rm -f /tmp/reservoir-apt.$$
