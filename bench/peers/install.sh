#!/usr/bin/env bash
# Installs the benchmark peers (published mock servers we compare against) into .cache/bench-peers/.
# They are big and only `npm run bench` needs them, so they stay out of package.json and node_modules.
# A peer that fails to install is reported and skipped: the bench prints a row saying so.
set -uo pipefail
cd "$(dirname "$0")/../.."
DEST=.cache/bench-peers
mkdir -p "$DEST"
[ -f "$DEST/package.json" ] || echo '{"name":"bench-peers","private":true}' > "$DEST/package.json"

status=0
for pkg in mockttp@4 @mockoon/cli@9 wiremock@3; do
  name=${pkg%@*}
  if [ -d "$DEST/node_modules/$name" ]; then
    echo "bench peers: $name already installed"
    continue
  fi
  echo "bench peers: installing $pkg"
  if ! npm install --prefix "$DEST" --no-audit --no-fund --loglevel=error "$pkg"; then
    echo "bench peers: could not install $pkg (its row will say so)" >&2
    status=1
  fi
done

# WireMock's jar needs a Java runtime (17+). Install it from Debian when we are root and it is missing.
if ! command -v java >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench peers: installing openjdk-17-jre-headless for WireMock"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; } \
      || { echo "bench peers: no Java; WireMock rows will say so" >&2; status=1; }
  else
    echo "bench peers: no Java and cannot install it; WireMock rows will say so" >&2
    status=1
  fi
fi
exit $status
