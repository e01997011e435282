#!/usr/bin/env bash
# bench-patterns-vs-quamina.sh compares vigil's pattern matcher with quamina
# side by side on this machine: the same CityLots-shaped events, the same rule
# sets, quamina-bench and `vigil bench patterns` one after the other, ROUNDS
# times. It prints each round's ratios (vigil events/s over quamina's) and,
# per rule set, min/median/max over the rounds; then the cost of 10,000 rules
# relative to 1 (CPU time) and the time to compile 100,000 rules (wall clock
# and CPU time), also per round.
#
# Usage (from the repository, with ../shared beside it):
#   scripts/bench-patterns-vs-quamina.sh [-n EVENTS] [-r ROUNDS] [-o DIR]
#
#   -n EVENTS  events quamina-bench --gen writes (default 100000)
#   -r ROUNDS  rounds (default 3)
#   -o DIR     keep the events and every round's output here (default: a
#              temporary directory, removed at the end)
#
# Environment: QUAMINA_BENCH (default ../shared/bench/quamina-bench), RULES
# (default ../shared/data/citylots/citylots2_benchmark_rulesets.json), VIGIL (a
# vigil binary; default: built from this tree).
#
# It stops with status 1 if a round's match counts differ between the two
# (`vigil bench patterns --quamina` checks them) or a command fails.
set -euo pipefail

cd "$(dirname "$0")/.."
events=100000 rounds=3 out=""
while getopts "n:r:o:" opt; do
	case $opt in
	n) events=$OPTARG ;;
	r) rounds=$OPTARG ;;
	o) out=$OPTARG ;;
	*) sed -n '2,22p' "$0" >&2; exit 2 ;;
	esac
done
qb=${QUAMINA_BENCH:-../shared/bench/quamina-bench}
rules=${RULES:-../shared/data/citylots/citylots2_benchmark_rulesets.json}
for f in "$qb" "$rules"; do
	[ -e "$f" ] || { echo "bench-patterns-vs-quamina: $f not found (set QUAMINA_BENCH or RULES)" >&2; exit 2; }
done
if [ -z "$out" ]; then
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
vigil=${VIGIL:-}
if [ -z "$vigil" ]; then
	vigil=$out/vigil
	go build -o "$vigil" ./cmd/vigil
fi

"$qb" --gen "$events" >"$out/events.jsonl"
sets="EXACT PREFIX WILDCARD EQUALS_IGNORE_CASE ANYTHING_BUT"
load() { cut -d' ' -f1-3 /proc/loadavg; }

for r in $(seq "$rounds"); do
	echo "round $r: load average $(load) (1, 5, 15 min)"
	"$qb" --rules "$rules" --events "$out/events.jsonl" >"$out/quamina.$r.txt"
	if ! "$vigil" bench patterns --events-file "$out/events.jsonl" --rules "$rules" \
		--quamina "$out/quamina.$r.txt" >"$out/vigil.$r.txt"; then
		cat "$out/vigil.$r.txt"
		echo "bench-patterns-vs-quamina: round $r: the comparison does not hold (above)" >&2
		exit 1
	fi
	for s in $sets; do grep "^$s " "$out/vigil.$r.txt"; done
	grep '^geomean' "$out/vigil.$r.txt"
	"$vigil" bench patterns --data ../shared/data --only security >"$out/scale.$r.txt" 2>/dev/null
	grep 'rules cost' "$out/scale.$r.txt"
	"$vigil" bench patterns --data ../shared/data --only compile >"$out/compile.$r.txt" 2>/dev/null
	grep '^compile' "$out/compile.$r.txt"
	echo "round $r done: load average $(load)"
done

# stats reads numbers, one a line, and prints min / median / max.
stats() {
	sort -g | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.2f | %.2f | %.2f", v[1], m, v[NR] }'
}
# ratio SET FILE prints the vigil/quamina ratio of SET in one round's output.
ratio() { awk -v s="$1" '$1 == s { for (i = 1; i < NF; i++) if ($i == "vigil/quamina") print $(i + 1) }' "$2"; }

echo
echo "$rounds rounds, $events events; vigil/quamina events/s (higher is faster than quamina)"
echo
echo "| rule set | matches | min | median | max |"
echo "|---|---:|---:|---:|---:|"
for s in $sets; do
	m=$(awk -v s="$s" '$1 == s { for (i = 1; i < NF; i++) if ($i == "matches") print $(i + 1) }' "$out/vigil.1.txt")
	echo "| $s | $m | $(for r in $(seq "$rounds"); do ratio "$s" "$out/vigil.$r.txt"; done | stats) |"
done
echo "| geomean of the five | | $(for r in $(seq "$rounds"); do awk '/^geomean/ { print $NF }' "$out/vigil.$r.txt"; done | stats) |"
echo "| 10,000 security rules: CPU time per event relative to 1 rule | | $(for r in $(seq "$rounds"); do awk '/rules cost/ { sub("×", "", $5); print $5 }' "$out/scale.$r.txt"; done | stats) |"
# seconds turns Go durations (980ms, 1.5s, 1m32.065s) into seconds.
seconds() {
	awk '{ d = $1; sub(/,$/, "", d); t = 0
		if (d ~ /ms$/) { sub(/ms$/, "", d); print d / 1000; next }
		if (d ~ /h/) { split(d, a, "h"); t += a[1] * 3600; d = a[2] }
		if (d ~ /m/) { split(d, a, "m"); t += a[1] * 60; d = a[2] }
		sub(/s$/, "", d); print t + d }'
}
echo "| compile 100,000 rules, s (wall clock) | | $(for r in $(seq "$rounds"); do awk '/^compile 100000/ { print $4 }' "$out/compile.$r.txt"; done | seconds | stats) |"
echo "| compile 100,000 rules, s (CPU time) | | $(for r in $(seq "$rounds"); do awk '/^compile 100000/ { for (i = 1; i < NF; i++) if ($i == "CPU") print $(i + 2) }' "$out/compile.$r.txt"; done | seconds | stats) |"
