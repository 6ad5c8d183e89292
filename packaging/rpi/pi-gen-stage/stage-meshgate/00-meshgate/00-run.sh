#!/bin/bash -e
# pi-gen, on the build host: stage the .deb files from files/ into the image.
# files/ must hold meshgate_<version>_arm64.deb and a Node.js >= 20 arm64 .deb
# (NodeSource's nodejs_20.x_arm64.deb), and may hold config.yaml.
shopt -s nullglob
debs=(files/meshgate_*_arm64.deb)
nodes=(files/nodejs_*_arm64.deb)
if [ "${#debs[@]}" -ne 1 ] || [ "${#nodes[@]}" -ne 1 ]; then
  echo "stage-meshgate: put exactly one meshgate_*_arm64.deb and one nodejs_*_arm64.deb in $(pwd)/files" >&2
  exit 1
fi
install -d "${ROOTFS_DIR}/tmp/meshgate-install"
install -m 644 "${debs[0]}" "${nodes[0]}" "${ROOTFS_DIR}/tmp/meshgate-install/"
if [ -f files/config.yaml ]; then
  install -m 644 files/config.yaml "${ROOTFS_DIR}/tmp/meshgate-install/config.yaml"
fi
