#!/usr/bin/env bash
# Installs the .deb that `cpack -G DEB` built into a fresh Debian 12 (bookworm) tree made by debootstrap, then, inside
# a chroot and from a folder that is not the source tree, runs `polysim validate` on the installed scenarios and
# `polysim play` with an installed trainee script. Needs root (debootstrap, chroot) and Debian's archive.
# Usage: .ci/deb-check.sh [BUILD_DIR]   (make deb-check)
set -euo pipefail
build="${1:-build}"
deb=$(ls -t "$build"/polysim_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no polysim_*.deb in $build (run make deb)"; exit 1; }
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The base system is cached between runs (it is the same every time); the package is installed into a fresh copy.
cache="${POLYSIM_DEBOOTSTRAP_CACHE:-/var/tmp/polysim-bookworm-base}"
if [ ! -x "$cache/bin/sh" ]; then
  echo "== debootstrap bookworm into $cache (once)"
  rm -rf "$cache.part"
  debootstrap --variant=minbase bookworm "$cache.part" "$mirror" >/dev/null
  mv "$cache.part" "$cache"
fi
root=$(mktemp -d /var/tmp/polysim-deb-check.XXXXXX)
cleanup() { umount -l "$root/proc" 2>/dev/null || true; rm -rf "$root"; }
trap cleanup EXIT
cp -a "$cache/." "$root/"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
echo "== apt install ./$(basename "$deb") in a fresh bookworm chroot"
chroot "$root" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/$(basename "$deb") >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }"
chroot "$root" dpkg -s polysim | grep -E '^(Version|Depends):'
echo "== polysim validate, from /root (no source tree, no build folder)"
chroot "$root" /bin/sh -c 'cd /root && polysim validate /usr/share/polysim/scenarios'
echo "== polysim play, from /tmp/elsewhere"
chroot "$root" /bin/sh -c 'mkdir -p /tmp/elsewhere && cd /tmp/elsewhere && HOME=/root USER=resident \
  polysim play /usr/share/polysim/scenarios/motorcyclist.toml \
    --script /usr/share/polysim/scenarios/scripts/motorcyclist-expert.txt --log run.jsonl --slice-mm 8 && \
  polysim score /usr/share/polysim/scenarios/motorcyclist.toml run.jsonl --no-history --no-images | head -5'
echo "deb-check: passed ($(basename "$deb"))"
