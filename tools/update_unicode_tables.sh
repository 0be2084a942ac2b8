#!/usr/bin/env bash
# Regenerate the tokenizer's Unicode tables inside bertft.h from Debian's unicode-data
# (apt-get install unicode-data): builds tools/gen_unicode.c and replaces the lines between
# "BEGIN GENERATED UNICODE TABLES" and "END GENERATED UNICODE TABLES".
set -euo pipefail
cd "$(dirname "$0")/.."
ucd=${1:-/usr/share/unicode}
mkdir -p build
${CC:-cc} -O2 -o build/gen_unicode tools/gen_unicode.c
build/gen_unicode "$ucd" > build/unicode_tables.inc
awk 'FNR == NR { tab = tab $0 "\n"; next }
     /BEGIN GENERATED UNICODE TABLES/ { print; printf "%s", tab; skip = 1; next }
     /END GENERATED UNICODE TABLES/ { skip = 0 }
     !skip' build/unicode_tables.inc bertft.h > build/bertft.h.new
mv build/bertft.h.new bertft.h
echo "bertft.h: Unicode tables regenerated from $ucd"
