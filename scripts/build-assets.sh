#!/bin/sh
# Copy the front-end files the pages use from npm packages (locked in package-lock.json)
# into safevillage/static/vendor, so that nothing is fetched from a CDN at run time.
set -eu
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
vendor=safevillage/static/vendor
font=node_modules/@fontsource/noto-sans-khmer
mkdir -p "$vendor/noto-sans-khmer/files"
for weight in 400 700; do
    cp "$font/files/noto-sans-khmer-khmer-$weight-normal.woff2" "$vendor/noto-sans-khmer/files/"
done
# Only the Khmer subset: Latin falls back to the system font.
cat "$font/khmer-400.css" "$font/khmer-700.css" \
    | sed -e "s#, url(./files/[^)]*\.woff) format('woff')##" > "$vendor/noto-sans-khmer/khmer.css"
cp "$font/LICENSE" "$vendor/noto-sans-khmer/LICENSE"
# axe-core (a development dependency) is for the browser tests alone: they read it from
# node_modules (tests/browser/axe.py) and nothing of it is copied here, so it is never served.
