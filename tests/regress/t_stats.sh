# tinbao stats: counts of cases between two local dates, grouped by school,
# category and month in the order asked, with urgent counts and a total;
# --suppress hides small counts; table, CSV (RFC 4180) and JSON; bad
# arguments exit 2; and no word a reporter wrote ever appears.  No daemon:
# the cases are inserted directly with chosen creation times.
. tests/regress/lib.sh
# A fixed zone (UTC+7, no DST) so local dates and months are reproducible.
TZ=ICT-7
export TZ
setup
directory

n=0
# addcase CATEGORY URGENT SCHOOL|NULL 'YYYY-MM-DD HH:MM:SS' (local time)
addcase() {
	n=$((n + 1))
	at=$(date -d "$4" +%s)
	school=$3
	[ "$school" = NULL ] || school="'$school'"
	sql "INSERT INTO cases (code, category, urgent, school, source, text,
	    created_at, updated_at) VALUES ('T$n', '$1', $2, $school, 'sms',
	    'bí mật zxqvorpal số $n', $at, $at)" || fail "insert $n"
}
addcase violence 1 MP2 "2026-10-05 10:00:00"
addcase violence 1 MP2 "2026-10-20 10:00:00"
addcase violence 0 MP2 "2026-11-03 10:00:00"
addcase bullying 0 MP2 "2026-11-10 10:00:00"
addcase bullying 0 NT1 "2026-10-07 10:00:00"
addcase bullying 1 NT1 "2026-11-11 10:00:00"
addcase drugs 0 NULL "2026-11-30 23:30:00"	# last minutes of --to: in
addcase 'other, "misc"' 0 NT1 "2026-10-01 00:00:00"	# first second: in
addcase violence 1 MP2 "2026-09-30 23:59:59"	# before --from: out
addcase violence 1 MP2 "2026-12-01 00:00:00"	# after --to: out

R="--from 2026-10-01 --to 2026-11-30"
all=$OUT/all.out
: > "$all"

# The default: by category, as a table.
tb stats $R > "$OUT/t" 2> "$OUT/err" || fail "stats: $(cat "$OUT/err")"
cat "$OUT/t" >> "$all"
eq "table by category" "$(cat "$OUT/t")" "$(printf '%s\n' \
    'category       cases  urgent' \
    'bullying           3       1' \
    'drugs              1       0' \
    'other, "misc"      1       0' \
    'violence           3       2' \
    'total 8')"

# By school then category: a case without a school is '-', listed last.
tb stats $R --by school,category > "$OUT/t" || fail "by school,category"
cat "$OUT/t" >> "$all"
eq "by school,category" "$(awk 'NR > 1 { print }' "$OUT/t" | sed 's/  */ /g')" "$(printf '%s\n' \
    'MP2 bullying 1 0' \
    'MP2 violence 3 2' \
    'NT1 bullying 2 1' \
    'NT1 other, "misc" 1 0' \
    '- drugs 1 0' \
    'total 8')"
eq "header follows --by order" "$(head -n 1 "$OUT/t" | sed 's/  */ /g')" "school category cases urgent"

# By month: YYYY-MM in local time (the 00:00 and 23:30 cases stay in
# their own months even though UTC puts them on the previous day).
tb stats $R --by month > "$OUT/t" || fail "by month"
cat "$OUT/t" >> "$all"
eq "by month" "$(sed 's/  */ /g' "$OUT/t")" "$(printf '%s\n' \
    'month cases urgent' '2026-10 4 2' '2026-11 4 1' 'total 8')"

# One day only; and a range with no case at all.
eq "one day" "$(tb stats --from 2026-11-30 --to 2026-11-30 | tail -n 1)" "total 1"
eq "empty range" "$(tb stats --from 2025-01-01 --to 2025-12-31 | sed 's/  */ /g')" \
    "$(printf '%s\n' 'category cases urgent' 'total 0')"

# --suppress 3: 1 and 2 become <3, 3 and 0 stay, the total stays.
tb stats $R --suppress 3 > "$OUT/t" || fail "suppress"
cat "$OUT/t" >> "$all"
eq "suppressed table" "$(sed 's/  */ /g' "$OUT/t")" "$(printf '%s\n' \
    'category cases urgent' 'bullying 3 <3' 'drugs <3 0' \
    'other, "misc" <3 0' 'violence 3 <3' 'total 8')"

# CSV: the chosen keys only in the header, RFC 4180 quoting, CRLF, total.
tb stats $R --by category,school --format csv --suppress 2 > "$OUT/c" ||
    fail "csv"
cat "$OUT/c" >> "$all"
printf '%s\r\n' 'category,school,cases,urgent' 'bullying,MP2,<2,0' \
    'bullying,NT1,2,<2' 'drugs,-,<2,0' 'other,NT1,<2,0' 'violence,MP2,3,2' \
    'total,,8,' | sed 's/^other,/"other, ""misc""",/' > "$OUT/c.want"
check "csv output" cmp -s "$OUT/c" "$OUT/c.want" ||
    diff "$OUT/c.want" "$OUT/c"

# JSON: one document, keys in --by order, null school, "<N" as a string.
tb stats $R --by school,month --format json --suppress 2 > "$OUT/j" ||
    fail "json"
cat "$OUT/j" >> "$all"
check "json parses" jq -e . "$OUT/j" > /dev/null
eq "json total" "$(jq .total "$OUT/j")" "8"
eq "json groups" "$(jq -c '.groups[]' "$OUT/j")" "$(printf '%s\n' \
    '{"school":"MP2","month":"2026-10","cases":2,"urgent":2}' \
    '{"school":"MP2","month":"2026-11","cases":2,"urgent":0}' \
    '{"school":"NT1","month":"2026-10","cases":2,"urgent":0}' \
    '{"school":"NT1","month":"2026-11","cases":"<2","urgent":"<2"}' \
    '{"school":null,"month":"2026-11","cases":"<2","urgent":0}')"
eq "json sum" "$(tb stats $R --format json | jq '[.groups[].cases] | add')" "8"
eq "json urgent" "$(tb stats $R --format json | jq '[.groups[].urgent] | add')" "3"

# Bad arguments: one line on stderr, exit 2.
bad() {
	tb stats "$@" > "$OUT/bad.out" 2> "$OUT/bad.err"
	rc=$?
	eq "exit status for: $*" "$rc" "2"
	eq "one stderr line for: $*" "$(wc -l < "$OUT/bad.err")" "1"
	eq "nothing on stdout for: $*" "$(wc -c < "$OUT/bad.out")" "0"
}
bad --to 2026-11-30
bad --from 2026-10-01
bad --from 2026-10-01 --to
bad --from 2026-13-01 --to 2026-11-30
bad --from 2026-02-30 --to 2026-11-30
bad --from 2026-10-1 --to 2026-11-30
bad --from yesterday --to 2026-11-30
bad --from 2026-12-01 --to 2026-11-30
bad $R --by commune
bad $R --by school,school
bad $R --by ''
bad $R --by category,
bad $R --format xml
bad $R --suppress -1
bad $R --suppress 3x
bad $R --suppress ''
bad $R --json

# Never any message text, in any output or error.
check "no case text in any output" sh -c "! grep -q zxqvorpal '$all' '$OUT/bad.err'"
check "the text was there to leak" grep -q zxqvorpal "$OUT/tinbao.db"
finish
