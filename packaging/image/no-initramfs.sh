#!/bin/sh
# Turns update-initramfs into a no-op inside an image root while packages
# install (`divert`), and back (`restore`), so the image's initramfs is built
# once by customize.sh instead of on every kernel and firmware trigger.
#   no-initramfs.sh divert|restore ROOT
set -eu
R=$2
F=/usr/sbin/update-initramfs
case "$1" in
divert)
  chroot "$R" dpkg-divert --quiet --local --rename --add "$F"
  mkdir -p "$R/usr/sbin"
  printf '#!/bin/sh\necho "update-initramfs: deferred to the image build" >&2\n' >"$R$F"
  chmod 0755 "$R$F"
  ;;
restore)
  rm -f "$R$F"
  chroot "$R" dpkg-divert --quiet --local --rename --remove "$F"
  ;;
*)
  echo "no-initramfs.sh: divert|restore ROOT" >&2
  exit 2
  ;;
esac
