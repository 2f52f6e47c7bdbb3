#!/usr/bin/env bash
# Whole-process measurements at 10,000 people (issue 14), with the optimized binary:
#
# 1. memory of a cold and a warm `export developers` against `topogy sim --users 10000`
#    (/usr/bin/time's maximum resident set size);
# 2. the store filled by the real sync (developers exports of 30, 90 and 365 days, a daily
#    export of 365 days: 88 days of per-person activity, 335 of cost), then the simulator
#    stopped (the API unreachable) and the dashboard started from a cold process at 30, 90
#    and 365 days in a 160x48 pseudo-terminal with TOPOGY_BENCH_FIRST_FRAME set: it writes the
#    instant of its first frame and quits; time to the first frame is from the spawn to that.
#
#   cargo build --release && benches/process.sh
#
# KEEP=dir keeps the filled store in dir; REUSE=dir skips the exports and measures the first
# frame on a store an earlier run kept (the same store before and after a change).
set -euo pipefail

BIN=$(realpath "${BIN:-target/release/topogy}")
PEOPLE=${PEOPLE:-10000}
PORT=${PORT:-18787}
RUNS=${RUNS:-10}
KEY=sk-ant-api01-topogy-demo-key-0000000000000000000000000000000000000000000000000000000000000000-AAAAAA

work=${REUSE:-${KEEP:-$(mktemp -d)}}
mkdir -p "$work"
sim=
cleanup() {
    [[ -n $sim ]] && kill "$sim" 2>/dev/null
    [[ -n ${KEEP:-}${REUSE:-} ]] || rm -rf "$work"
}
trap cleanup EXIT

export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
export TOPOGY_API_KEY=$KEY TOPOGY_BASE_URL=http://127.0.0.1:$PORT
# The simulator's limit and the client's pace: the most either allows, so runs are quick.
export TOPOGY_RPM=10000
mkdir -p "$HOME" "$XDG_CONFIG_HOME/topogy"

today=$(date -u +%F)
ago() { date -u -d "$today -$1 days" +%F; }

# Runs a command under /usr/bin/time; prints "<label>: <max RSS MiB> MiB, <seconds> s".
measured() {
    local label=$1
    shift
    if ! /usr/bin/time -f '%M %e' -o "$work/time" "$@" >"$work/out" 2>"$work/err"; then
        echo "failed: $*" >&2
        cat "$work/err" >&2
        exit 1
    fi
    read -r kib secs <"$work/time"
    printf '%s: %.1f MiB, %s s\n' "$label" "$(echo "$kib / 1024" | bc -l)" "$secs"
}

if [[ -z ${REUSE:-} ]]; then
"$BIN" sim --users "$PEOPLE" --port "$PORT" 2>"$work/sim.log" &
sim=$!
for _ in $(seq 100); do
    grep -q listening "$work/sim.log" 2>/dev/null && break
    sleep 0.1
done

echo "## export developers, $PEOPLE people (max RSS, wall time)"
for days in 90 365; do
    rm -rf "$XDG_DATA_HOME"
    for run in cold warm; do
        measured "$run $days days" "$BIN" export developers --from "$(ago $((days - 1)))" \
            --to "$today" --format csv
    done
done

# The longest history, as the real sync leaves it.
for days in 30 90; do
    measured "fill: export developers $days days" "$BIN" export developers \
        --from "$(ago $((days - 1)))" --to "$today"
done
measured "fill: export daily 365 days" "$BIN" export daily --from "$(ago 364)" --to "$today"
kill "$sim"
wait "$sim" 2>/dev/null || true
sim=
store=$(find "$XDG_DATA_HOME" -name '*.db' -size +1M | head -1)
echo "store: $(du -h "$store" | cut -f1) ($store)"
for table in user_day user_rollup user_cost cost_day summary_day; do
    echo "  $table: $(sqlite3 "$store" "SELECT COUNT(*) FROM $table" 2>/dev/null || echo '?') rows"
done

fi

echo
echo "## first frame of a cold process, API unreachable ($RUNS runs each)"
# From just before the pseudo-terminal starts to the instant the first frame was drawn (the
# dashboard writes it to the file named by TOPOGY_BENCH_FIRST_FRAME, then quits); max RSS is
# /usr/bin/time's for the whole run.
store=$(find "$XDG_DATA_HOME/" -name topogy.db -size +1M | head -1)
# first_frame RANGE [daily]: RUNS cold starts at RANGE; with "daily", each one is the first
# start of a UTC day (its whole-file check, PRAGMA quick_check, due).
first_frame() {
    printf 'default_range = "%s"\n' "$1" >"$XDG_CONFIG_HOME/topogy/config.toml"
    local times=() t0
    for _ in $(seq "$RUNS"); do
        if [[ ${2:-} == daily ]]; then
            sqlite3 "$store" "DELETE FROM meta WHERE key = 'quick_check_on'"
        fi
        rm -f "$work/drawn"
        t0=$EPOCHREALTIME
        script -qfec "stty cols 160 rows 48; TOPOGY_BENCH_FIRST_FRAME=$work/drawn /usr/bin/time -f '%M' -o $work/time $BIN" /dev/null >/dev/null
        times+=("$(echo "($(cat "$work/drawn") - $t0) * 1000" | bc -l)")
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    printf '%s%s: median %.0f ms, slowest %.0f ms, max RSS %s MiB\n' "$1" "${2:+ ($2)}" \
        "$(echo "$sorted" | sed -n "$(((RUNS + 1) / 2))p")" "$(echo "$sorted" | tail -1)" \
        "$(($(cat "$work/time") / 1024))"
}
for range in 30d 90d 365d; do
    first_frame "$range"
done
first_frame 30d daily
