#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing.
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# libreoffice-calc-nogui: the export test converts a workbook with `libreoffice --headless --convert-to csv`.
# libpango*: WeasyPrint renders PDFs with Pango; poppler-utils: tests read PDFs back (pdftotext, pdftoppm).
# redis-server, nginx: the cluster check (scripts/cluster.sh) runs the Celery broker and the balancer in front.
for pkg in postgresql redis-server nginx chromium fonts-noto-cjk gettext libreoffice-calc-nogui libpango-1.0-0 libpangoft2-1.0-0 poppler-utils; do
  have "$pkg" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
