# Helpers for the terminal tests: drive the real binary in a private tmux
# server and look at the screen.  Sourced by tests/tui/*.sh; prints TAP.
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
bin=${VPCTOP_BIN:-./vpctop}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
tmp=$(mktemp -d)
base=vpctop-test-$$
starts=0
sock=$base-0
n=0
fails=0
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

# Record one test result: ok NAME when the command status is 0.
check() {
	local name=$1; shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		fails=$((fails + 1))
		echo "# screen:"; screen | sed 's/^/#   /'
	fi
}

# Record a test that did not run: ok NAME # SKIP REASON.
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# Start a command in a fresh 80x24 session on a server of its own (the
# previous server is killed; a new socket avoids racing its exit).
start() {
	tmux -L "$sock" kill-server 2>/dev/null
	starts=$((starts + 1))
	sock=$base-$starts
	tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 -s t \
		"cd '$tmp' && $*"
	tmux -L "$sock" set-option -g status off 2>/dev/null
}

# Send keys (tmux key names) to the session.
keys() {
	tmux -L "$sock" send-keys -t t "$@"
}

# Send literal text.
text() {
	tmux -L "$sock" send-keys -t t -l "$1"
}

# Print the screen.
screen() {
	tmux -L "$sock" capture-pane -p -t t 2>/dev/null
}

# Wait up to 5 s until the screen shows an extended regex.
shows() {
	local i
	for i in $(seq 1 100); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	return 1
}

# Wait up to 5 s until the screen no longer shows a regex.
hides() {
	local i
	for i in $(seq 1 100); do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.05
	done
	return 1
}

# Wait up to 5 s until a command succeeds.
holds() {
	local i
	for i in $(seq 1 100); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# Print a command's output once two runs of it 0.1 s apart agree (up to
# 5 s): curses writes a frame a line at a time, so one capture may catch
# it half drawn.
steady() {
	local i a b
	b=$("$@")
	for i in $(seq 1 50); do
		sleep 0.1
		a=$("$@")
		[ "$a" = "$b" ] && break
		b=$a
	done
	printf '%s\n' "$a"
}

# The terminal modes stty wrote to file $2 after the program equal those
# in file $1 from before it (waits up to 5 s for $2; prints what differs).
modes_kept() {
	holds test -s "$2" || return 1
	cmp -s "$1" "$2" && return 0
	diff "$1" "$2" | sed 's/^/# /'
	return 1
}

# Resize the session's window.
resize() {
	tmux -L "$sock" resize-window -t t -x "$1" -y "$2"
}

# Tell whether the program is still running in the pane.
running() {
	[ "$(tmux -L "$sock" display-message -p -t t '#{pane_current_command}' 2>/dev/null)" = vpctop ]
}
