#!/usr/bin/env bash
# Regenerates package-lock.json so that `npm ci` accepts it on a fresh clone, on any platform.
# Run it after changing dependencies or after merging branches that did (a conflicted lockfile can
# be taken from either side first: npm resolves the rest). Then commit package-lock.json.
#
#   scripts/lock.sh
#
# Why a script: npm records the platform builds of native packages (e.g. @unrs/resolver-binding-*,
# under jest's resolver) only when it can read each one from the registry. A lockfile written while
# one of them was missing lacks it, and `npm ci` then refuses the lockfile ("Missing: … from lock
# file") on every machine. Step 2 catches that before the lockfile is committed.
set -euo pipefail
cd "$(dirname "$0")/.."

# 1. Resolve package.json against the committed lockfile, from the registry only: versions already
#    locked stay, new dependencies are added, and every platform's optional builds are recorded
#    (not only this machine's). node_modules is neither read nor written.
npm install --package-lock-only --no-audit --no-fund --loglevel=error

# 2. npm ci's own check that the lockfile is complete and in sync with package.json, without
#    installing anything.
if ! npm ci --dry-run --no-audit --no-fund --loglevel=error >/dev/null 2>"${TMPDIR:-/tmp}/lock-check.log"; then
  grep -E 'Missing|invalid|error' "${TMPDIR:-/tmp}/lock-check.log" | head -20 >&2
  cat >&2 <<'MSG'

npm ci would refuse this lockfile. When the missing entries are platform builds of one package
(e.g. @unrs/resolver-binding-*@X), the registry lacks one of them at version X: pin the package that
asks for them to a version whose builds all exist, in package.json "overrides", e.g.
  "overrides": { "unrs-resolver": "1.12.2" }
(`npm view @unrs/resolver-binding-darwin-arm64 versions` lists what exists), then run this again.
MSG
  exit 1
fi
echo "package-lock.json is complete: npm ci accepts it."
