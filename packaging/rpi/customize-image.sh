#!/bin/sh
# Adds meshgate to a Raspberry Pi OS (bookworm, arm64) root filesystem:
# installs Node.js (24, or 22) and the meshgate .deb inside a chroot (through
# qemu-user-static when this machine is not arm64), optionally puts a config
# in place, and enables the service so it starts on first boot.
#
# ROOT is a mounted image's root partition (e.g. after `losetup -P` and
# `mount /dev/loop0p2 /mnt/pi`) or pi-gen's ${ROOTFS_DIR}. Run as root.
set -eu

usage() {
  cat <<'EOF'
usage: customize-image.sh --deb MESHGATE_DEB (--node-deb NODEJS_DEB | --node-from-apt)
                          [--config FILE] [--no-enable] [--dry-run] ROOT

  --deb FILE        meshgate_<version>_arm64.deb (npm run package)
  --node-deb FILE   a Node.js >= 22 arm64 .deb providing /usr/bin/node
                    (NodeSource's nodejs_24.x_arm64.deb)
  --node-from-apt   install "nodejs" from the image's own apt sources instead
                    (only if they already offer Node.js >= 22; needs network)
  --config FILE     installed as /etc/meshgate/config.yaml
  --no-enable       install only; do not enable meshgate.service
  --dry-run         check the arguments and ROOT, print the steps, change nothing
EOF
}

die() {
  echo "customize-image: $*" >&2
  exit 1
}

bad_usage() {
  echo "customize-image: $*" >&2
  usage >&2
  exit 2
}

DEB=""
NODE_DEB=""
NODE_APT=0
CONFIG=""
ENABLE=1
DRY=0
ROOT=""
while [ $# -gt 0 ]; do
  case "$1" in
  --deb | --node-deb | --config)
    [ $# -ge 2 ] || bad_usage "$1 needs a value"
    case "$1" in
    --deb) DEB=$2 ;;
    --node-deb) NODE_DEB=$2 ;;
    --config) CONFIG=$2 ;;
    esac
    shift 2
    ;;
  --node-from-apt) NODE_APT=1 && shift ;;
  --no-enable) ENABLE=0 && shift ;;
  --dry-run) DRY=1 && shift ;;
  -h | --help) usage && exit 0 ;;
  -*) bad_usage "unknown option $1" ;;
  *)
    [ -z "$ROOT" ] || bad_usage "only one ROOT, got '$ROOT' and '$1'"
    ROOT=$1 && shift
    ;;
  esac
done

[ -n "$ROOT" ] || bad_usage "ROOT is missing"
[ -n "$DEB" ] || bad_usage "--deb is required"
if [ -n "$NODE_DEB" ] && [ "$NODE_APT" = 1 ]; then
  bad_usage "give --node-deb or --node-from-apt, not both"
fi
[ -n "$NODE_DEB" ] || [ "$NODE_APT" = 1 ] || bad_usage "give --node-deb FILE or --node-from-apt"

[ -d "$ROOT" ] || die "ROOT $ROOT is not a directory"
ROOT=$(cd "$ROOT" && pwd)
[ "$ROOT" != / ] || die "ROOT is /: give the image's root, not this machine's"
[ -f "$DEB" ] || die "meshgate .deb $DEB not found"
case "$(basename "$DEB")" in
meshgate_*_arm64.deb) ;;
*) die "$DEB is not an arm64 meshgate .deb (meshgate_<version>_arm64.deb)" ;;
esac
[ -z "$NODE_DEB" ] || [ -f "$NODE_DEB" ] || die "Node.js .deb $NODE_DEB not found"
[ -z "$CONFIG" ] || [ -f "$CONFIG" ] || die "config $CONFIG not found"
[ -f "$ROOT/etc/os-release" ] || die "$ROOT/etc/os-release missing: not a root filesystem"
[ -e "$ROOT/lib/ld-linux-aarch64.so.1" ] || die "$ROOT is not an arm64 (aarch64) system"
[ -x "$ROOT/usr/bin/apt-get" ] || die "$ROOT has no apt-get: not Raspberry Pi OS / Debian"
# shellcheck disable=SC1091
CODENAME=$(. "$ROOT/etc/os-release" && echo "${VERSION_CODENAME:-unknown}")
[ "$CODENAME" = bookworm ] ||
  echo "customize-image: warning: $ROOT is $CODENAME, meshgate is tested on bookworm" >&2

# On a non-arm64 machine the chroot runs through qemu user emulation. apt and
# dpkg start further arm64 programs, so the kernel must hand every one of them
# to qemu: that is the binfmt_misc entry qemu-user-static registers.
QEMU=""
EMU_MISSING=""
BINFMT=${BINFMT_DIR:-/proc/sys/fs/binfmt_misc}/qemu-aarch64
if [ "$(uname -m)" != aarch64 ]; then
  QEMU=$(command -v qemu-aarch64-static || true)
  if [ -z "$QEMU" ]; then
    EMU_MISSING="qemu-aarch64-static (apt-get install qemu-user-static)"
  elif ! grep -qs '^enabled' "$BINFMT"; then
    EMU_MISSING="the binfmt_misc entry $BINFMT (apt-get install binfmt-support, or systemctl restart systemd-binfmt)"
  fi
fi

STAGE=/tmp/meshgate-install
step() {
  echo "==> $*"
}

if [ "$DRY" = 1 ]; then
  step "root: $ROOT ($CODENAME, arm64)${QEMU:+, chroot through $QEMU}"
  [ -z "$EMU_MISSING" ] || step "missing for the chroot: $EMU_MISSING"
  step "copy $DEB${NODE_DEB:+ and $NODE_DEB} to $ROOT$STAGE"
  if [ -n "$NODE_DEB" ]; then
    step "chroot: apt-get install $STAGE/$(basename "$NODE_DEB") $STAGE/$(basename "$DEB")"
  else
    step "chroot: apt-get update && apt-get install nodejs $STAGE/$(basename "$DEB")"
  fi
  step "chroot: node --version must be >= 22"
  [ -z "$CONFIG" ] || step "install $CONFIG as $ROOT/etc/meshgate/config.yaml"
  [ "$ENABLE" = 0 ] || step "chroot: systemctl enable meshgate.service"
  echo "dry run: nothing changed"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (chroot and mounts need it)"
[ -z "$EMU_MISSING" ] || die "this machine is $(uname -m); the arm64 chroot needs $EMU_MISSING"

MOUNTS=""
cleanup() {
  for m in $MOUNTS; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf "${ROOT:?}$STAGE"
  [ -z "$QEMU" ] || [ "${QEMU_COPIED:-0}" = 0 ] || rm -f "$ROOT/usr/bin/qemu-aarch64-static"
  if [ -e "$ROOT/etc/resolv.conf.meshgate" ] || [ -L "$ROOT/etc/resolv.conf.meshgate" ]; then
    mv -f "$ROOT/etc/resolv.conf.meshgate" "$ROOT/etc/resolv.conf"
  elif [ "${RESOLV_ADDED:-0}" = 1 ]; then
    rm -f "$ROOT/etc/resolv.conf"
  fi
}
trap cleanup EXIT INT TERM

# The chroot's package scripts want /proc, /sys and /dev.
for d in proc sys dev dev/pts; do
  mount --bind "/$d" "$ROOT/$d"
  MOUNTS="$ROOT/$d $MOUNTS"
done
# An interpreter registered without the F flag is looked up inside the chroot.
if [ -n "$QEMU" ] && [ ! -e "$ROOT/usr/bin/qemu-aarch64-static" ]; then
  cp "$QEMU" "$ROOT/usr/bin/qemu-aarch64-static"
  QEMU_COPIED=1
fi

in_root() {
  chroot "$ROOT" /bin/sh -c "$1"
}

mkdir -p "$ROOT$STAGE"
cp "$DEB" "$ROOT$STAGE/"
[ -z "$NODE_DEB" ] || cp "$NODE_DEB" "$ROOT$STAGE/"
export DEBIAN_FRONTEND=noninteractive
if [ -n "$NODE_DEB" ]; then
  step "installing $(basename "$NODE_DEB") and $(basename "$DEB")"
  in_root "apt-get install -y --no-install-recommends $STAGE/$(basename "$NODE_DEB") $STAGE/$(basename "$DEB")"
else
  # apt downloads here: lend the chroot this machine's resolver until cleanup.
  if [ -e "$ROOT/etc/resolv.conf" ] || [ -L "$ROOT/etc/resolv.conf" ]; then
    mv "$ROOT/etc/resolv.conf" "$ROOT/etc/resolv.conf.meshgate"
  else
    RESOLV_ADDED=1
  fi
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  step "installing nodejs from the image's apt sources and $(basename "$DEB")"
  in_root "apt-get update && apt-get install -y --no-install-recommends nodejs $STAGE/$(basename "$DEB")"
fi
NODE_MAJOR=$(in_root "node -p 'process.versions.node.split(\".\")[0]'")
[ "$NODE_MAJOR" -ge 22 ] || die "the image's node is major version $NODE_MAJOR; meshgate needs >= 22"
step "node $(in_root 'node --version') and $(in_root 'meshgate --version') installed"

if [ -n "$CONFIG" ]; then
  install -m 0640 "$CONFIG" "$ROOT/etc/meshgate/config.yaml"
  in_root "chgrp meshgate /etc/meshgate/config.yaml"
  in_root "meshgate config check --config /etc/meshgate/config.yaml"
fi
if [ "$ENABLE" = 1 ]; then
  # systemctl enable only writes symlinks, so it works in a chroot without systemd running.
  in_root "systemctl enable meshgate.service"
  step "meshgate.service enabled: it starts on first boot"
fi
in_root "apt-get clean"
step "done"
