#!/bin/bash -e
# pi-gen, inside the image: install Node.js and meshgate, enable the service.
cd /tmp/meshgate-install
apt-get install -y --no-install-recommends ./nodejs_*_arm64.deb ./meshgate_*_arm64.deb
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("Node.js >= 20 needed"); process.exit(1); }'
if [ -f config.yaml ]; then
  install -m 0640 -g meshgate config.yaml /etc/meshgate/config.yaml
  meshgate config check --config /etc/meshgate/config.yaml
fi
# Only writes symlinks: works without a running systemd.
systemctl enable meshgate.service
cd /
rm -rf /tmp/meshgate-install
apt-get clean
