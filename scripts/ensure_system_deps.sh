#!/usr/bin/env bash
# Debian packages the pipeline and its tests need:
#   chromium     - prints every PDF and opens every HTML in the browser tests
#   fonts-dejavu-core - a font with full Latin coverage for Indonesian text in the PDFs
#   poppler-utils - pdftotext, which the PII guard uses to read every shared PDF (30x faster than pypdf)
# As root we install what is missing; otherwise we stop and print the exact command.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then
  echo "Memasang paket Debian: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Paket Debian belum terpasang: ${need[*]}" >&2
  echo "Jalankan sebagai root:  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
