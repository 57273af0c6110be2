#!/usr/bin/env bash
# Times quick start 1 as a new user meets it: a fresh clone of this repository, an empty HOME
# (no pnpm store, no global tools), then the README's command, until the service first answers
# /healthz. Prints the seconds. Not part of `pnpm test` (it downloads every dependency).
#   bash scripts/time-quick-start.sh [port]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
port="${1:-18080}"
work="$(mktemp -d)"
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
git clone -q "$repo" "$work/hermes"
mkdir "$work/home"
cd "$work/hermes"
start=$(date +%s.%N)
HOME="$work/home" npx --yes pnpm@10.34.8 install > "$work/install.log" 2>&1 || {
  cat "$work/install.log"
  exit 1
}
node apps/demo/dist/main.js --port "$port" --data-dir "$work/data" > "$work/service.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" > /dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.1
done
end=$(date +%s.%N)
echo "quick start 1: first healthy answer after $(echo "$end - $start" | bc) s"
echo "install output: $(wc -l < "$work/install.log") lines, $(grep -ciE 'warn|err' "$work/install.log" || true) with WARN or ERR"
