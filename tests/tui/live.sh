#!/bin/bash
# Terminal tests of the interactive interface with live and piped input:
# --demo keeps growing, records on stdin (keys from /dev/tty), record
# detail, +/- on a selected value, search with n, rejected lines, Ctrl-Z
# and Ctrl-C.  Prints TAP.
set -u
. "${VPCTOP_SRCDIR:-.}/tests/tui/lib.sh"

"$bin" --generate=20000 >"$tmp/f.log"
{ cat "$tmp/f.log"; printf 'this is not a flow log\n2 x y\n'; } >"$tmp/bad.log"

# The number of records the status bar shows, as an integer.
records() {
	screen | head -1 | grep -Eo '[0-9.]+[kMG]? rec' | awk '{
		v = $1; m = 1
		if (v ~ /k$/) m = 1e3; if (v ~ /M$/) m = 1e6; if (v ~ /G$/) m = 1e9
		sub(/[kMG]$/, "", v); printf "%d\n", v * m }'
}

# Wait until the record count passes $1.
grows() {
	local i r
	for i in $(seq 1 100); do
		r=$(records)
		[ -n "$r" ] && [ "$r" -gt "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# The tail's header and rows (up to the timeline).
tail_rows() {
	screen | sed -n '/TIME UTC/,/^bytes/p' | sed '$d'
}

# Tell whether the shell in the pane waits at its prompt ("$ " alone on
# the last line that is not blank), so what is typed next goes to it.
at_prompt() {
	[ "$(screen | grep -v '^ *$' | tail -1)" = '$' ]
}

# The number of the record the detail shows (its title: record #N).
detail_rec() {
	screen | sed -n 's/.*Record detail.* record #\([0-9][0-9]*\) .*/\1/p'
}

# Tell whether record $2 is the match of dstport 22 next below record $1
# in f.log (numbered from 0 after its header line): it matches, and no
# record between them does.
next_below() {
	[ -n "$1" ] && [ -n "$2" ] && [ "$2" -lt "$1" ] &&
	awk -v hi="$1" -v lo="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "dstport") c = i
			  next }
		$c != 22 { next }
		{ s = NR - 2 }
		s == lo { found = 1 }
		s > lo && s < hi { between++ }
		END { exit !(found && !between) }' "$tmp/f.log"
}

export LC_ALL=C.UTF-8 TERM=xterm-256color

start "'$bin' --demo; echo EXITED; sleep 30"
check "--demo: the status bar says LIVE" shows 'vpctop +LIVE +demo'
check "--demo: records arrive" shows '[0-9] rec'
first=$(records)
check "--demo: the record count grows" grows "${first:-0}"
keys Tab Tab Down Down Down
check "moving down stops following the newest record" \
	eval 'shows "^\[Tail\] newest first *$"'
rows=$(steady tail_rows)
now=$(records)
grows "${now:-0}" >/dev/null
check "the tail stays put while records arrive" \
	eval '[ "$(steady tail_rows)" = "$rows" ]'
keys Home
check "Home follows the newest records again" shows 'newest first, following'
keys C-c
check "Ctrl-C quits" shows '^EXITED'

start "'$bin' --demo -e 'dstport = 443'; echo EXITED; sleep 30"
shows 'filter: dstport = 443' >/dev/null
now=$(records)
grows "${now:-0}" >/dev/null
grows "$(records)" >/dev/null
check "-e filters the live tail as records arrive" \
	eval 'rows=$(screen | sed -n "/TIME UTC/,/^bytes/p" | sed "1d;\$d" | grep -v "^ *\$");
	      [ -n "$rows" ] && ! echo "$rows" | grep -vq ":443 "'
keys q
shows '^EXITED' >/dev/null

head -101 "$tmp/f.log" >"$tmp/grow.log"
start "'$bin' -f grow.log; echo EXITED; sleep 30"
check "-f: the file's records, LIVE" shows 'LIVE +grow\.log +100 rec'
sed -n '102,301p' "$tmp/f.log" >>"$tmp/grow.log"
check "-f: records appended to the file arrive" shows ' 300 rec'
keys q
shows '^EXITED' >/dev/null

start "'$bin' --replay=120 f.log; echo EXITED; sleep 30"
check "--replay: records come paced by their times" \
	eval 'grows 0 && r=$(records) && [ "$r" -lt 20000 ] && grows "$r"'
keys q
shows '^EXITED' >/dev/null

start "cat f.log | '$bin'; echo EXITED; sleep 30"
check "records on stdin, keys from the terminal" shows '20\.0k rec'
keys q
check "q quits when stdin is a pipe" shows '^EXITED'

start "'$bin' f.log; echo EXITED; sleep 30"
shows '20\.0k rec' >/dev/null
keys +
check "+ filters to the selected top talker" \
	shows 'filter: srcaddr = 10\.113\.80\.38'
keys -
check "- then excludes it again" \
	shows 'filter: srcaddr = 10\.113\.80\.38 and srcaddr != 10\.113\.80\.38'
check "and nothing matches" shows 'match 0 of 20\.0k'
keys c Tab Tab
check "Tab moves the focus to the tail" shows '^\[Tail\]'
keys Enter
check "Enter shows the record detail" \
	eval 'shows "Record detail" && shows "^ +srcaddr +10\."'
check "the detail decodes protocol and times" \
	eval 'shows "protocol +(6|17|1) +(TCP|UDP|ICMP)" &&
	      shows "start +[0-9]+ +20[0-9-]+ [0-9:]+ UTC"'
keys Escape
check "Esc closes the detail" hides 'Record detail'
keys '\'; text 'dstport = 22'; keys Enter
shows 'search: dstport = 22' >/dev/null
keys Enter
check "a search puts the cursor on a match (its detail)" \
	eval 'shows "Record detail" && shows "^ +dstport +22( |\$)"'
found=$(steady detail_rec)
keys Escape
hides 'Record detail' >/dev/null
keys n Enter
check "n moves the cursor to the next match below (its detail)" \
	eval 'shows "Record detail" && shows "^ +dstport +22( |\$)" &&
	      next_below "$found" "$(steady detail_rec)"'
keys Escape
hides 'Record detail' >/dev/null
keys r
check "r shows the oldest records first" shows 'oldest first'
keys q
check "q quits" shows '^EXITED'

start "'$bin' --mouse f.log; echo EXITED; sleep 30"
shows '20\.0k rec' >/dev/null
# the source address of the tail's fourth row (screen line 16)
want=$(steady screen | sed -n 16p | awk '{ print $3 }' | sed 's/:[0-9]*$//')
text $'\e[<0;5;16M\e[<0;5;16m'
keys d
check "a click selects a tail row (--mouse)" \
	eval 'shows "Record detail" && shows "^ +srcaddr +$want( |\$)"'
keys Escape
hides 'Record detail' >/dev/null
text $'\e[<65;5;16M'
check "the wheel scrolls the tail" hides 'following'
keys q
check "q quits with the mouse on" shows '^EXITED'

start "'$bin' bad.log; echo EXITED; sleep 30"
check "rejected lines are counted in the status bar" shows '2 rejected \(R\)'
keys R
check "R lists the reasons with examples" \
	eval 'shows "Rejected lines" && shows "bad\.log:20002"'
keys Escape
check "Esc closes the pane" hides 'Rejected lines'
keys q
check "q quits" shows '^EXITED'

want=$("$bin" -b -o none --stats -e 'end > -1m' "$tmp/f.log" 2>&1 |
	awk '$1 == "matched" { print $2 }')
start "'$bin' -e 'end > -1m' f.log; echo EXITED; sleep 30"
check "a relative filter counts back from the watermark, as -b does" \
	shows "match $want of 20\.0k +filter: end > -1m"
keys q
shows '^EXITED' >/dev/null

printf '# a bad line\nreject blurple default\n' >"$tmp/bad.theme"
start "'$bin' --theme=bad.theme f.log 2>err; echo EXITED; sleep 30"
check "a bad theme: a warning with file:line in the interface" \
	shows 'theme: bad\.theme:2: .*blurple.*using the default'
check "and the panes still draw" shows 'Top talkers'
keys q
check "and on stderr" \
	eval 'shows "^EXITED" && grep -q "warning: bad\.theme:2:" "$tmp/err"'

start "TERM=no-such-term '$bin' f.log; echo RC=\$?; sleep 30"
check "an unknown terminal type: a clear message, exit 1" \
	eval 'shows "^RC=1" && screen | grep -q "terminal type .no-such-term"'

start "'$bin'; echo RC=\$?; sleep 30"
check "no source on a terminal: a usage hint" \
	eval 'shows "RC=2" && screen | grep -q -- "--demo"'

# The job runs under dash, which leaves the terminal modes as a job left
# them: bash, after a job it brought back with fg, puts back the modes it
# had saved before the fg, so a vpctop that left them wrong would pass.
# vpctop is the last command of its line: the shell runs the rest of a list
# when one command stops, so "; stty -a >after" would race the fg.
jsh=$(command -v dash)
start "PS1='$ ' ${jsh:-bash --norc --noprofile} -i"
holds at_prompt
text "stty -a >before; '$bin' f.log"; keys Enter
shows 'Top talkers' >/dev/null
keys C-z
check "Ctrl-Z suspends and gives the shell back" \
	eval 'shows "Stopped" && holds at_prompt'
text 'fg'; keys Enter
check "fg brings the interface back" shows 'Top talkers'
keys q
check "and q quits to the shell" holds at_prompt
# C-j ends the line even without icrnl
text 'stty -a >after'; keys C-j
if [ -n "$jsh" ]; then
	check "and leaves the terminal modes as before" \
		modes_kept "$tmp/before" "$tmp/after"
else
	skip "and leaves the terminal modes as before" \
		"no dash (bash puts back its own modes after fg)"
fi

echo "1..$n"
[ "$fails" -eq 0 ]
