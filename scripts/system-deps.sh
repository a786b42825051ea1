#!/usr/bin/env bash
# Installs the Debian packages the portal needs, where missing: pango (WeasyPrint), chromium (browser
# tests), wrk (the load tool of `make bench`).
# As root it installs them; otherwise it names them and exits non-zero so the make target stops clearly.
set -euo pipefail
what=${1:?usage: system-deps.sh pango|chromium|bench}
case "$what" in
  pango) packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils) ;;
  chromium) packages=(chromium) ;;
  bench) packages=(wrk) ;;
  *) echo "unknown group: $what" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install these system packages (no apt-get here): ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} …"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
