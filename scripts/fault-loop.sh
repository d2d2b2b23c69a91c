#!/usr/bin/env bash
# Runs a fault test N times in a row and counts the passes, to show a flaky
# restart is gone (not part of CI: one run takes a minute or more).
#
#   scripts/fault-loop.sh [runs] [test file] [-- extra vitest arguments]
#   scripts/fault-loop.sh 20                                  # test/fault/kafka-restart.test.ts, 20 times
#   scripts/fault-loop.sh 5 test/fault/redis-restart.test.ts
#   scripts/fault-loop.sh 20 test/fault/kafka-restart.test.ts -- -t "wiped"
#
# The shared emulators the test needs are started once for the whole loop
# (and stopped at the end, unless they were already up). The log of each
# failed run is kept under .cache/fault-loop/. Exits 0 only when every run passed.
set -u
cd "$(dirname "$0")/.."

runs="${1:-20}"
file="${2:-test/fault/kafka-restart.test.ts}"
shift $(($# < 2 ? $# : 2))
[ "${1:-}" = "--" ] && shift
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "fault-loop: runs must be a positive integer, got \"$runs\"" >&2
  exit 2
fi
if [ ! -f "$file" ]; then
  echo "fault-loop: no test file $file" >&2
  exit 2
fi

# Services the file names, as the harness reads them (describeService("<name>", …)).
services=$(grep -o 'describeService("[a-z-]*"' "$file" | sed 's/.*("\(.*\)"/\1/' | sort -u | tr '\n' ' ')
started=""
for service in $services; do
  if ! npm run -s emulators -- status 2>/dev/null | grep -q "^$service	up"; then
    npm run -s emulators -- up "$service" >/dev/null || { echo "fault-loop: could not start $service" >&2; exit 1; }
    started="$started $service"
  fi
done
stop_started() {
  # shellcheck disable=SC2086 # one argument per service
  [ -n "$started" ] && npm run -s emulators -- down $started >/dev/null 2>&1
}
trap stop_started EXIT

logs=".cache/fault-loop/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$logs"
passes=0
for i in $(seq 1 "$runs"); do
  began=$(date +%s)
  log="$logs/run-$i.log"
  passed=false
  if npx vitest run "$file" "$@" >"$log" 2>&1; then
    passed=true
    passes=$((passes + 1))
    echo "run $i/$runs: pass ($(($(date +%s) - began)) s)"
  else
    echo "run $i/$runs: FAIL ($(($(date +%s) - began)) s) — log: $log"
  fi
  # The figures each test prints about its restart ("…: 6000 records, …"), for the record.
  sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^[a-z][a-z() -]*: [0-9]+ records, ' | sed 's/^/    /'
  "$passed" && rm -f "$log"
done
echo "fault-loop: $passes/$runs passed ($file)"
[ "$passes" -eq "$runs" ]
