#!/bin/bash
# Terminal tests of the interactive interface on a generated file: panes,
# filter prompt, bad filters, drill-down, top-talker keys, help, pause,
# resizing and a clean exit, under several terminal types and NO_COLOR.
# Prints TAP.
set -u
. "${VPCTOP_SRCDIR:-.}/tests/tui/lib.sh"

"$bin" --generate=20000 >"$tmp/f.log"

# Only rows of the tail (between its header and the timeline) on screen.
tail_rows() {
	screen | sed -n '/TIME UTC/,/^bytes\//p' | sed '1d;$d' | grep -v '^ *$'
}

# The tail shows at least eight rows.
tail_filled() {
	[ "$(tail_rows | wc -l)" -ge 8 ]
}

# Every tail row goes to port 22 (and there is at least one).
all_port_22() {
	local rows
	rows=$(tail_rows)
	[ -n "$rows" ] && ! echo "$rows" | grep -vq ':22 '
}

# The screen is the one kept in file $1, line for line.
same_screen() {
	screen | cmp -s - "$1"
}

# Wait up to 5 s until the screen is the one kept in file $1; else print
# what differs.
as_kept() {
	holds same_screen "$1" && return 0
	screen | diff "$1" - | sed 's/^/# /'
	return 1
}

for conf in "xterm-256color C.UTF-8" "screen-256color C.UTF-8" \
    "vt100 C" "xterm-256color C.UTF-8 NO_COLOR=1"; do
	set -- $conf
	term=$1 loc=$2 nc=${3:-}
	tag="$term${nc:+ $nc}"
	rm -f "$tmp/stty.before" "$tmp/stty.after"
	start "stty -a >stty.before; env TERM=$term LC_ALL=$loc $nc '$bin' f.log;" \
		"stty -a >stty.after; echo EXITED; sleep 30"
	check "$tag: status bar, pane titles and rows" \
		shows 'vpctop .*20\.0k rec'
	if [ -n "$nc" ] || [ "$term" = vt100 ]; then
		check "$tag: no colour at all, attributes only" \
			eval '! tmux -L "$sock" capture-pane -p -e -t t |
			      grep -Eq "\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|38;5|48;5)[;m]"'
	else
		check "$tag: colours" \
			eval 'tmux -L "$sock" capture-pane -p -e -t t |
			      grep -Eq "\[([0-9;]*;)?(3[0-7]|38;5)[;m]"'
	fi
	check "$tag: top talkers, drill-down and tail panes" \
		eval 'shows "Top talkers" && shows Drill-down && shows " Tail " &&
		      holds tail_filled'

	keys /; text 'dstport = 22'
	check "$tag: the prompt counts matches as you type" \
		shows '^ +158 matching records'
	keys Enter
	check "$tag: Enter applies the filter (status bar count)" \
		shows 'match 158 of 20\.0k +filter: dstport = 22'
	check "$tag: only matching rows in the tail" holds all_port_22

	keys /; keys C-u; text 'dstport = = 22'; keys Enter
	check "$tag: a bad filter shows an error and a caret" \
		shows '^ {18}\^ expected'
	keys Escape
	check "$tag: a bad filter keeps the old one" \
		eval 'hides "\^ expected" && shows "filter: dstport = 22" &&
		      holds all_port_22'
	keys c
	check "$tag: c clears the filter" hides 'filter: dstport'

	keys Tab Enter
	check "$tag: Enter drills into the tree" shows 'all (›|>) [0-9]{12}'
	keys Enter
	check "$tag: and deeper" shows 'all (›|>) [0-9]{12} (›|>) vpc-'
	keys Escape
	check "$tag: Esc drills out one level" \
		eval 'hides "all (›|>) [0-9]{12} (›|>) vpc-" &&
		      shows "all (›|>) [0-9]{12}"'
	keys BSpace
	check "$tag: Backspace drills out to the top" hides 'all (›|>) '

	keys K
	check "$tag: K changes the top-talker key" shows 'by dstaddr, rank bytes'
	keys s
	check "$tag: s changes the rank" shows 'by dstaddr, rank packets'

	keys o
	check "$tag: o freezes the order" shows 'FROZEN'
	keys o
	check "$tag: o again unfreezes it" hides 'FROZEN'

	keys '?'
	check "$tag: ? shows the help" shows 'Help.*keys'
	keys Escape
	check "$tag: Esc closes the help" hides 'Help.*keys'

	keys P
	check "$tag: P pauses" shows 'PAUSED'
	keys P
	check "$tag: P resumes" hides 'PAUSED'

	# the whole screen before the resizes: a file's records are all in,
	# so nothing on it moves any more
	steady screen >"$tmp/at80x24"
	resize 40 10
	check "$tag: 40x10 shows the focused pane alone" \
		eval 'hides "filter: none" && shows "\[Drill-down\]" &&
		      ! screen | grep -q "Top talkers"'
	resize 30 8
	check "$tag: below 40x10 says too small" shows 'too small'
	resize 1 1
	resize 200 60
	check "$tag: 200x60 draws every pane" \
		eval 'shows "INTERFACE" && shows "Top talkers.*Drill-down"'
	resize 80 24
	check "$tag: back to 80x24, the screen as before the resizes" \
		as_kept "$tmp/at80x24"

	keys q
	check "$tag: q quits" shows '^EXITED'
	check "$tag: the terminal modes are as before" \
		modes_kept "$tmp/stty.before" "$tmp/stty.after"
done
echo "1..$n"
[ "$fails" -eq 0 ]
