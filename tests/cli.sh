#!/bin/bash
# End-to-end tests of the vpctop binary in batch mode: generation, every
# source kind, every output, round trips, bad input and exit codes.
# Prints TAP.
set -u
bin=${VPCTOP_BIN:-./vpctop}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

# Record one test result: ok NAME when the command status is 0.
check() {
	local name=$1; shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		fails=$((fails + 1))
	fi
}

# Succeed when the command fails.
not() {
	! "$@"
}

# Print the value of a --stats line ("  records     42" -> 42).
stat() {
	awk -v k="$1" '$1 == k { print $2; exit }' "$2"
}

"$bin" --help >"$tmp/help"
check "--help exits 0 and lists the options" \
	grep -q -- '--generate=N' "$tmp/help"

"$bin" --generate=2000 --seed=3 >"$tmp/a.log"
"$bin" --generate=2000 --seed=3 >"$tmp/b.log"
"$bin" --generate=2000 --seed=4 >"$tmp/c.log"
check "same seed gives the same bytes" cmp -s "$tmp/a.log" "$tmp/b.log"
check "another seed gives other bytes" not cmp -s "$tmp/a.log" "$tmp/c.log"
check "generate writes a header and N records" \
	test "$(wc -l <"$tmp/a.log")" -eq 2001
check "generated default is v5 with a header" \
	test "$(head -1 "$tmp/a.log" | wc -w)" -eq 29

"$bin" -b -o none --stats "$tmp/a.log" 2>"$tmp/st"
check "batch reads every generated record" \
	test "$(stat records "$tmp/st")" = 2000
check "no generated line is rejected" test "$(stat rejected "$tmp/st")" = 0

"$bin" -b "$tmp/a.log" >"$tmp/a.out"
check "text output of v5 text is the same text" cmp -s "$tmp/a.log" "$tmp/a.out"

"$bin" -b -o csv "$tmp/a.log" >"$tmp/a.csv"
check "csv starts with a header row of AWS names" \
	grep -q '^version,account-id,interface-id,srcaddr' "$tmp/a.csv"
"$bin" -b "$tmp/a.csv" >"$tmp/a.csv.out"
check "csv reads back to the same records" cmp -s "$tmp/a.log" "$tmp/a.csv.out"

"$bin" -b -o json "$tmp/a.log" >"$tmp/a.json"
check "json has one object per record" \
	test "$(grep -c '^{"version":5,"account-id":"' "$tmp/a.json")" -eq 2000
sed 's/.*/{"message": "&"}/' "$tmp/a.log" | tail -n +2 >"$tmp/msg.json"
"$bin" -b -F v5 "$tmp/msg.json" | tail -n +2 >"$tmp/msg.out"
check "json message lines unwrap to the records" \
	cmp -s "$tmp/msg.out" <(tail -n +2 "$tmp/a.log")

"$bin" --generate=500 --seed=9 -F v2 >"$tmp/v2.log"
gzip -c "$tmp/v2.log" >"$tmp/v2.log.gz"
"$bin" -b "$tmp/v2.log.gz" >"$tmp/gz.out"
check "gzip is read by magic bytes" cmp -s "$tmp/v2.log" "$tmp/gz.out"
cp "$tmp/v2.log.gz" "$tmp/v2-renamed.txt"
"$bin" -b -o none --stats "$tmp/v2-renamed.txt" 2>"$tmp/st"
check "gzip without a .gz name" test "$(stat records "$tmp/st")" = 500
cat "$tmp/v2.log.gz" "$tmp/v2.log.gz" >"$tmp/multi.gz"
"$bin" -b -o none --stats "$tmp/multi.gz" 2>"$tmp/st"
check "multi-member gzip reads both members" test "$(stat records "$tmp/st")" = 1000
check "the second member's header is a header" test "$(stat headers "$tmp/st")" = 2
head -c 3000 "$tmp/v2.log.gz" >"$tmp/cut.gz"
"$bin" -b -o none --stats "$tmp/cut.gz" 2>"$tmp/st"
rc=$?
check "truncated gzip exits 1" test $rc = 1
check "truncated gzip is reported by name" grep -q 'cut.gz: .*truncated' "$tmp/st"
check "records before the cut are kept" test "$(stat records "$tmp/st")" -gt 10

cat "$tmp/v2.log" | "$bin" -b -o none --stats 2>"$tmp/st"
check "stdin is read when no source is given" test "$(stat records "$tmp/st")" = 500
gzip -c "$tmp/v2.log" | "$bin" -b -o none --stats - 2>"$tmp/st"
check "gzip on stdin" test "$(stat records "$tmp/st")" = 500

mkdir -p "$tmp/s3/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/01/01" "$tmp/s3/b"
d=$tmp/s3/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/01/01
cp "$tmp/v2.log.gz" "$d/123456789012_vpcflowlogs_us-east-1_fl-1_20260101T0000Z_a.log.gz"
cp "$tmp/a.log" "$tmp/s3/b/x.log"
printf 'PAR1\0\0\0binary' >"$tmp/s3/b/y.log.parquet"
printf 'This folder holds flow logs.\n' >"$tmp/s3/README"
"$bin" -b -o none --stats "$tmp/s3" 2>"$tmp/st"
rc=$?
check "a directory is read recursively" test "$(stat records "$tmp/st")" = 2500
check "files that are not logs are skipped and reported" \
	test "$(grep -c '^vpctop: skipped' "$tmp/st")" = 2
check "skipped files leave exit status 0" test $rc = 0

"$bin" -b -o none --stats "$tmp/nonexistent.log" "$tmp/v2.log" 2>"$tmp/st"
rc=$?
check "a missing file exits 1" test $rc = 1
check "a missing file is named" grep -q 'nonexistent.log' "$tmp/st"
check "the other sources still load" test "$(stat records "$tmp/st")" = 500

{ head -3 "$tmp/v2.log"; echo "2 123 eni-1 1.2.3.4 5.6.7.8 1 99999 6 1 1 1 2 ACCEPT OK";
  echo "bogus!"; printf '2 1\001 x\n'; tail -n +4 "$tmp/v2.log"; } >"$tmp/bad.log"
"$bin" -b -o none --stats "$tmp/bad.log" 2>"$tmp/st"
check "bad lines are counted and the rest read" \
	test "$(stat records "$tmp/st")/$(stat rejected "$tmp/st")" = 500/3
check "a rejected line is shown with its source, line and field" \
	grep -q "bad.log:4 field 7 (dstport)" "$tmp/st"

# --top against an independent sum by awk over the same file.
"$bin" --generate=20000 --seed=21 -F v2 >"$tmp/t.log"
"$bin" -b --top=srcaddr -n 5 -o csv "$tmp/t.log" >"$tmp/top.csv"
awk 'NR > 1 && $14 == "OK" { b[$4] += $10; f[$4]++ } END { for (k in b) print k "," f[k] "," b[k] }' \
	"$tmp/t.log" | sort -t, -k3,3nr | head -5 >"$tmp/top.awk"
check "--top srcaddr by bytes matches a sum by awk" \
	cmp -s <(tail -n +2 "$tmp/top.csv" | cut -d, -f1,2,4) "$tmp/top.awk"
check "--top csv has the documented header" \
	test "$(head -1 "$tmp/top.csv")" = "srcaddr,flows,packets,bytes"
"$bin" -b --top=dstport --by=flows -n 3 -o json "$tmp/t.log" >"$tmp/top.json"
awk 'NR > 1 && $14 == "OK" { f[$7]++ } END { for (k in f) print f[k], k }' \
	"$tmp/t.log" | sort -k1,1nr -k2,2n | head -3 | awk '{ printf "{\"dstport\":%s,\"flows\":%s,\n", $2, $1 }' >"$tmp/top.want"
check "--top dstport --by=flows json matches awk" \
	cmp -s <(sed 's/"packets".*//' "$tmp/top.json") "$tmp/top.want"
"$bin" -b --top=srcaddr,dstaddr -n 3 "$tmp/t.log" >"$tmp/top.txt"
check "--top pair text table has both key columns and a total" \
	grep -q '^srcaddr  *dstaddr  *flows  *packets  *bytes  *share$' "$tmp/top.txt"
check "--top text ends with the total line" grep -q '^total (' "$tmp/top.txt"
"$bin" -b --top=srcaddr --capacity=100 -o csv -n 5 "$tmp/t.log" >"$tmp/top-small.csv"
check "--top counts every record even past the ring's capacity" \
	cmp -s "$tmp/top.csv" "$tmp/top-small.csv"
"$bin" -b -o none --stats --capacity=1000 "$tmp/t.log" 2>"$tmp/st"
check "--stats shows the ring and its evictions" \
	grep -q 'ring  *1000 records of 1000, 19000 evicted' "$tmp/st"
"$bin" -b --top=nosuchfield "$tmp/t.log" 2>/dev/null >/dev/null
rc=$?
check "an unknown --top field is a usage error" test $rc = 2

"$bin" -b -F v99 "$tmp/v2.log" 2>"$tmp/err" >/dev/null
rc=$?
check "a bad --format is a usage error" test $rc = 2

# -e: the filter, checked against awk on the same generated file.
awk 'NR > 1 && $13 == "REJECT" && $7 == 22' "$tmp/t.log" | wc -l >"$tmp/e.want"
"$bin" -b -e 'reject and dstport = 22' "$tmp/t.log" | tail -n +2 | wc -l >"$tmp/e.got"
check "-e selects the same records as awk" cmp -s "$tmp/e.want" "$tmp/e.got"
check "-e matches some records (the test is not empty)" test "$(cat "$tmp/e.want")" -gt 0
awk 'NR > 1 && $13 == "REJECT" && $4 !~ /^10\./ { b[$4] += $10 } END { for (k in b) printf "%s,%.0f\n", k, b[k] }' \
	"$tmp/t.log" | sort -t, -k2,2nr -k1,1 | head -5 >"$tmp/e.top.want"
"$bin" -b --top=srcaddr -n 5 -o csv -e 'reject srcaddr != 10.0.0.0/8' "$tmp/t.log" |
	tail -n +2 | cut -d, -f1,4 >"$tmp/e.top.got"
check "-e applies to --top" cmp -s "$tmp/e.top.want" "$tmp/e.top.got"
"$bin" -b -o none --stats -e 'dstport==22 && !accept' "$tmp/t.log" 2>"$tmp/e.st"
check "--stats shows the canonical filter" \
	grep -q '^  filter      dstport = 22 and not accept$' "$tmp/e.st"
check "--stats shows the matched count" \
	grep -q "^  matched     $(cat "$tmp/e.want") records$" "$tmp/e.st"
"$bin" -b -e 'srcport = 10.0.0.1' "$tmp/t.log" >/dev/null 2>"$tmp/e.err"
rc=$?
check "a bad filter is a usage error" test $rc = 2
check "a bad filter says what was expected, with a caret" \
	cmp -s "$tmp/e.err" <(printf '%s\n' \
	"vpctop: bad filter: expected a port number (0-65535) for srcport, found '10.0.0.1'" \
	"  srcport = 10.0.0.1" "            ^" \
	"Try 'vpctop --help' for more information.")
wm=$(awk 'NR > 1 && $12 > m { m = $12 } END { print m }' "$tmp/t.log")
awk -v t=$((wm - 300)) 'NR > 1 && $12 > t' "$tmp/t.log" | wc -l >"$tmp/e.rel.want"
"$bin" -b -e 'end > -5m' "$tmp/t.log" | tail -n +2 | wc -l >"$tmp/e.rel.got"
check "relative times count back from the newest end in the files" \
	cmp -s "$tmp/e.rel.want" "$tmp/e.rel.got"
check "relative times select some records" test "$(cat "$tmp/e.rel.want")" -gt 0
"$bin" -b -e 'end > -5m' - <"$tmp/t.log" | tail -n +2 | wc -l >"$tmp/e.stdin"
check "on stdin relative times count back from the clock" \
	test "$(cat "$tmp/e.stdin")" = 0

# A file of 1 MiB or more is mapped rather than read: same results.
"$bin" --generate=30000 --seed=5 -F v2 >"$tmp/m.log"
check "the mapped test file is over 1 MiB" \
	test "$(wc -c <"$tmp/m.log")" -gt 1048576
"$bin" -b --top=srcaddr,dstport -n 50 -o csv "$tmp/m.log" >"$tmp/m.file"
"$bin" -b --top=srcaddr,dstport -n 50 -o csv - <"$tmp/m.log" >"$tmp/m.pipe"
check "a mapped file gives what the same bytes on a pipe give" \
	cmp -s "$tmp/m.file" "$tmp/m.pipe"
"$bin" -b -o none --stats "$tmp/m.log" 2>"$tmp/m.st"
check "the mapped run found every record" \
	test "$(awk '$1 == "records" { print $2 }' "$tmp/m.st")" = 30000
check "--stats counts every byte of a mapped file" \
	test "$(awk '$1 == "bytes" { print $2 }' "$tmp/m.st")" = "$(wc -c <"$tmp/m.log")"

echo "1..$n"
exit $((fails > 0))
