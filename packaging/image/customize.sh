#!/bin/sh
# mmdebstrap customize hook (runs on the build machine): $1 is the image's
# root, $2 and $3 the Node.js and meshgate .debs already copied into it.
# Installs them, lays the image's own files over the root and sets the
# services: meshgate and first-boot steps on, SSH off.
set -eu
R=$1
NODE_DEB=$2
MESHGATE_DEB=$3
in_root() { chroot "$R" /bin/sh -ec "$1"; }

export DEBIAN_FRONTEND=noninteractive
in_root "apt-get install -y --no-install-recommends $NODE_DEB $MESHGATE_DEB"
in_root "node --version && meshgate --version"

cp -a "$R/tmp/rootfs/." "$R/"
rm -rf "$R/tmp/rootfs" "$R$NODE_DEB" "$R$MESHGATE_DEB"
mkdir -p "$R/var/lib/meshgate"

# The kernel command line raspi-firmware writes (now and on kernel upgrades)
# names the root by label, so the same card boots as mmcblk0, sda or vda.
sed -i -e 's|^#\?ROOTPART=.*|ROOTPART=LABEL=RASPIROOT|' "$R/etc/default/raspi-firmware"
grep -q '^ROOTPART=LABEL=RASPIROOT' "$R/etc/default/raspi-firmware" ||
  echo 'ROOTPART=LABEL=RASPIROOT' >>"$R/etc/default/raspi-firmware"
# The initramfs is built once, here, with the root named by label: during
# the package installs update-initramfs was diverted to a no-op (each kernel
# and firmware trigger would otherwise rebuild it, minutes each under
# emulation). Its raspi-firmware hook then copies kernel, initramfs and device
# trees to /boot/firmware and writes config.txt and cmdline.txt.
"$(dirname "$0")/no-initramfs.sh" restore "$R"
for m in "$R"/lib/modules/*; do KVER=$(basename "$m"); done
in_root "update-initramfs -c -k $KVER"
grep -q 'root=LABEL=RASPIROOT' "$R/boot/firmware/cmdline.txt"

in_root "systemctl enable meshgate.service meshgate-firstboot.service meshgate-grow-data.service systemd-networkd.service systemd-resolved.service systemd-timesyncd.service avahi-daemon.service"
# SSH stays off until the operator puts authorized_keys on the boot partition;
# host keys are made on that boot, so no two gateways share them.
in_root "systemctl disable ssh.service; systemctl mask ssh.socket 2>/dev/null || true"
rm -f "$R"/etc/ssh/ssh_host_*
# No password for root: logins are by SSH key only.
in_root "passwd -l root"
in_root "apt-get clean"
rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/*.bin
# An empty machine-id: systemd treats the first boot as such and makes one.
: >"$R/etc/machine-id"
