#!/bin/bash
# make bench (issue 5): how the terminal UI feels, measured through tmux.
#
# 1. Keypress latency under load: a pacer feeds generated v2 records at
#    500k records/s through a pipe into `vpctop --capacity=4194304 -` in
#    an 80x24 tmux pane.  Once the ring is filling, `P` (pause) is sent
#    and the pane is polled until "PAUSED" shows, then `P` again until it
#    goes; 20 rounds.  The figure is the time from send-keys to the screen
#    showing the change, so it includes tmux's own capture time: an upper
#    bound.  Target: every keypress shows within 50 ms.
# 2. Terminal bandwidth: `vpctop --demo` in an 80x24 pane for
#    BENCH_DEMO_SECONDS (default 60) with everything the program writes
#    to its terminal copied out by `tmux pipe-pane`.  Target: under
#    20 KB/s (what an SSH link carries comfortably).
# Needs tmux and python3 (for the pacer).  Prints each figure beside its
# target.
set -eu
bin=$(realpath "${1:-./vpctop}")
secs=${BENCH_DEMO_SECONDS:-60}
rate=${BENCH_FEED_RATE:-500000}
tmp=$(mktemp -d)
sock=vpctop-bench-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT

# Milliseconds on a monotonic-enough clock.
ms() {
	date +%s%3N
}

# Print the pane's text.
screen() {
	tmux -L "$sock" capture-pane -p -t bench
}

# Wait until the screen matches (or, with -v, stops matching) a pattern;
# prints the milliseconds waited, or "timeout" after 5 s.
wait_for() {
	local invert=0 t0 t
	if [ "$1" = -v ]; then invert=1; shift; fi
	t0=$(ms)
	while :; do
		if screen | grep -q -- "$1"; then
			[ $invert = 0 ] && break
		else
			[ $invert = 1 ] && break
		fi
		t=$(ms)
		if [ $((t - t0)) -gt 5000 ]; then
			echo timeout
			return
		fi
	done
	echo $(($(ms) - t0))
}

cat >"$tmp/pacer.py" <<'EOF'
# Feed a file's lines to stdout at a steady rate (lines per second), round
# and round, until killed; write the achieved rate to a file every second.
import os, signal, sys, time
path, rate, report = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path, 'rb').read().splitlines(keepends=True)[1:]
chunk = max(1, rate // 100)
sent, t0 = 0, time.monotonic()
def done(*_):
    el = time.monotonic() - t0
    open(report, 'w').write('%d %.1f\n' % (sent, sent / el if el else 0))
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
signal.signal(signal.SIGPIPE, done)
out = sys.stdout.buffer
i = 0
try:
    while True:
        block = lines[i:i + chunk]
        if len(block) < chunk:
            block += lines[:chunk - len(block)]
        i = (i + chunk) % len(lines)
        out.write(b''.join(block))
        sent += len(block)
        ahead = sent / rate - (time.monotonic() - t0)
        if ahead > 0:
            time.sleep(ahead)
        if sent % (chunk * 100) == 0:
            el = time.monotonic() - t0
            open(report, 'w').write('%d %.1f\n' % (sent, sent / el))
except (BrokenPipeError, KeyboardInterrupt):
    done()
EOF

echo "bench/tui.sh: the terminal UI through tmux (80x24)"
"$bin" --generate=1000000 --seed=5 -F v2 >"$tmp/feed.log"
tmux -L "$sock" new-session -d -s bench -x 80 -y 24 \
	"python3 $tmp/pacer.py $tmp/feed.log $rate $tmp/pacer.out | $bin --capacity=4194304 -"
sleep 4
lat=()
for i in $(seq 20); do
	tmux -L "$sock" send-keys -t bench P
	lat+=("$(wait_for PAUSED)")
	tmux -L "$sock" send-keys -t bench P
	lat+=("$(wait_for -v PAUSED)")
done
pid=$(pgrep -f "pacer.py $tmp/feed.log" || true)
[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
sleep 0.5
tmux -L "$sock" kill-session -t bench 2>/dev/null || true
fed=$(cat "$tmp/pacer.out" 2>/dev/null || echo "0 0")
if printf '%s\n' "${lat[@]}" | grep -q timeout; then
	echo "  keypress latency under load: a key did not show within 5 s: MISSED"
else
	sorted=$(printf '%s\n' "${lat[@]}" | sort -n)
	med=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	max=$(echo "$sorted" | tail -1)
	verdict=met
	[ "$max" -gt 50 ] && verdict=MISSED
	printf '  keypress latency, %s keys while fed %s rec/s: median %s ms, max %s ms  target <= 50 ms: %s\n' \
		"${#lat[@]}" "$(echo "$fed" | awk '{ printf "%.0f", $2 }')" "$med" "$max" "$verdict"
fi

tmux -L "$sock" new-session -d -s bench -x 80 -y 24 "$bin --demo"
tmux -L "$sock" pipe-pane -t bench -o "cat > $tmp/demo.bytes"
sleep "$secs"
tmux -L "$sock" send-keys -t bench q
sleep 0.5
bytes=$(stat -c %s "$tmp/demo.bytes")
bps=$((bytes / secs))
verdict=met
[ "$bps" -ge 20480 ] && verdict=MISSED
printf '  terminal output of --demo for %s s: %s bytes, %s B/s  target < 20480 B/s: %s\n' \
	"$secs" "$bytes" "$bps" "$verdict"
