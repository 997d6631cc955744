#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install, with apt-get, whatever the build and the guest need and is missing.
set -eu

pkgs="build-essential flex bison bc libelf-dev libssl-dev openssl cpio
      qemu-system-x86 busybox-static kmod bash libcap2-bin python3 xz-utils gzip"
[ -n "${KSRC:-}" ] || pkgs="$pkgs linux-source-6.12"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: need root to run apt-get" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
