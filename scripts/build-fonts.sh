#!/usr/bin/env bash
# Rebuilds the Urdu web fonts in static/vendor/fonts/ from the fontsource npm packages (SIL OFL 1.1).
#
# Noto Naskh Arabic is the Urdu body face: it stays legible at table sizes and keeps the line height
# of a dense page close to the Latin one. Noto Nastaliq Urdu, the script Urdu readers expect in print,
# sets the headings, where its height and slant have room. Both are cut down to the Arabic letters,
# digits and marks Urdu uses (U+0600-06FF, the joiners and direction marks) with every OpenType
# feature kept, so joining and ligatures still work.
#
# Needs npm (the registry) and the project's .venv (fontTools and brotli come with WeasyPrint).
# The built files are committed; run this only to move to a newer font release.
set -euo pipefail
cd "$(dirname "$0")/.."
NASKH_VERSION=5.3.0
NASTALIQ_VERSION=5.3.0
UNICODES="U+0600-06FF,U+200C-200F,U+2010-2011,U+FD3E-FD3F,U+0020-0029,U+002C-002F,U+003A,U+00A0"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@fontsource/noto-naskh-arabic@$NASKH_VERSION" \
  "@fontsource/noto-nastaliq-urdu@$NASTALIQ_VERSION" >/dev/null)
for pkg in noto-naskh-arabic noto-nastaliq-urdu; do
  mkdir -p "$work/$pkg" static/vendor/fonts/$pkg
  tar xzf "$work/fontsource-$pkg-"*.tgz -C "$work/$pkg"
  cp "$work/$pkg/package/LICENSE" static/vendor/fonts/$pkg/OFL.txt
done
subset() {  # package weight
  .venv/bin/pyftsubset "$work/$1/package/files/$1-arabic-$2-normal.woff2" \
    --unicodes="$UNICODES" --layout-features='*' --flavor=woff2 --no-hinting \
    --output-file="static/vendor/fonts/$1/$1-urdu-$2.woff2"
}
subset noto-naskh-arabic 400
subset noto-naskh-arabic 700
subset noto-nastaliq-urdu 700
ls -l static/vendor/fonts/*/*.woff2
