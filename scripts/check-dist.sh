#!/usr/bin/env bash
# Builds dist/ and runs it once as a production install would: `node dist/main.js` (simulator mode),
# one GraphQL query that needs the simulator's assets and the schema, then SIGTERM and a clean exit.
# CI runs it; it needs nothing but node and curl. Usage: scripts/check-dist.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

[ "${1:-}" = "--no-build" ] || npm run --silent build >/dev/null

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
log="$(mktemp)"
data="$(mktemp -d)"
PORT="$port" NODE_ENV=development DATA_DIR="$data" node dist/main.js >"$log" 2>&1 &
pid=$!
stop() { kill "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap stop EXIT

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "dist/main.js exited:"; cat "$log"; exit 1; }
  sleep 0.2
done

# An MCU video download link: the simulator serves it from dist/simulator/assets.
query='{"query":"{ videoRecording(conferenceId: \"7a008307-34ad-435b-bccd-222be5ac5385\", recordId: \"0a08082d-df1e-4c06-9a97-c7c6f7a4724e\") { download { url fileName } } }"}'
answer="$(curl -fsS "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -d "$query")"
url="$(node -e 'const a=JSON.parse(process.argv[1]); const u=a.data?.videoRecording?.download?.url; if(!u){console.error(process.argv[1]);process.exit(1)} console.log(u)' "$answer")"
bytes="$(curl -fsS -o /dev/null -w '%{size_download}' "$url")"
[ "$bytes" -gt 0 ] || { echo "the video download was empty"; cat "$log"; exit 1; }

# The simulator's recording index, ingested into the embedded database (migrations run from dist/).
rows=0
for _ in $(seq 1 150); do
  rows="$(curl -fsS "http://127.0.0.1:$port/metrics" | awk '/^recording_index_rows_ingested_total /{print $2}')"
  [ "${rows:-0}" -ge 250 ] && break
  sleep 0.2
done
[ "${rows:-0}" -ge 250 ] || { echo "the recording index was not ingested (rows: ${rows:-0})"; cat "$log"; exit 1; }

kill -TERM "$pid"
status=0; wait "$pid" || status=$?
trap - EXIT
rm -rf "$data"
[ "$status" -eq 0 ] || { echo "dist/main.js exited with $status after SIGTERM"; cat "$log"; exit 1; }
echo "dist/ built, started, answered GraphQL, served $bytes bytes of a simulator video, ingested $rows index rows; stopped cleanly"
