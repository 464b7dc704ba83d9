#!/usr/bin/env bash
# Installs the Debian packages BorderMap needs (when root), or prints the command.
#   scripts/system-packages.sh run    PostgreSQL 15 + PostGIS 3
#   scripts/system-packages.sh test   the above, plus GDAL (ogr2ogr) and Chromium for the tests
set -euo pipefail
want=(postgresql-15 postgresql-15-postgis-3 python3-venv)
if [ "${1:-run}" = test ]; then
  # libatomic1: the Node.js driver inside the playwright wheel links against it.
  want+=(gdal-bin chromium fonts-dejavu-core libatomic1)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
