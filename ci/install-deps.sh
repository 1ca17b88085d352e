#!/usr/bin/env bash
# Installs the Debian packages mimic needs: `make deps` runs this with the
# package list from the Makefile.
#
#   ci/install-deps.sh PACKAGE...
#
# Idempotent and quiet: when every package is already there it does not
# touch apt at all.  It also enables the i386 architecture and installs
# busybox-static:i386 (a static 32-bit x86 program that the i386 guest
# tests run) when the archive has it.
set -euo pipefail

SUDO=
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for pkg in "$@"; do
    installed "$pkg" || missing+=("$pkg")
done
need_i386=0
if ! dpkg --print-foreign-architectures | grep -qx i386; then
    need_i386=1
fi
installed busybox-static:i386 || missing_busybox=1

if [ ${#missing[@]} -eq 0 ] && [ $need_i386 = 0 ] && [ -z "${missing_busybox:-}" ]; then
    echo "deps: all packages present"
    exit 0
fi

if [ $need_i386 = 1 ]; then
    $SUDO dpkg --add-architecture i386
fi
# A mirror caught mid-sync fails one index now and then: retry, then go
# on with what was fetched (the install below says if that was not enough).
echo "deps: apt-get update"
for try in 1 2 3; do
    if $SUDO apt-get update -qq; then
        break
    fi
    if [ $try = 3 ]; then
        echo "deps: apt-get update failed; going on with the package lists we have"
    else
        sleep 10
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -n "${missing_busybox:-}" ]; then
    candidate=$(apt-cache policy busybox-static:i386 | awk '/Candidate:/ { print $2 }')
    if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then
        echo "deps: installing busybox-static:i386"
        $SUDO apt-get install -y -qq busybox-static:i386 >/dev/null
    else
        echo "deps: busybox-static:i386 is not in the archive; i386 guest tests that need it will be skipped"
    fi
fi
echo "deps: done"
