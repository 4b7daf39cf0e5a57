#!/usr/bin/env bash
# System packages portalcheck needs and pip cannot give: Debian's Chromium
# (Playwright's own browser download cannot work here), unshare/ip/setpriv for the
# safety tests, redis-server for distributed sweeps' tests, and nginx for `make bench`.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# The address-safety tests build a network namespace of their own (unshare, ip).
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
# Distributed sweeps (RQ) are tested against a real Redis the tests start themselves.
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need+=(redis-server)
if [ "${1:-}" = "--bench" ]; then command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx); fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "Cài đặt gói hệ thống / installing system packages: ${need[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
