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

# --suppress 3: 1 and 2 become x, 3 and 0 stay, the total stays.
tb stats $R --suppress 3 > "$OUT/t" || fail "suppress"
cat "$OUT/t" >> "$all"
eq "suppressed table" "$(sed 's/  */ /g' "$OUT/t")" "$(printf '%s\n' \
    'category cases urgent' 'bullying 3 x' 'drugs x 0' \
    'other, "misc" x 0' 'violence 3 x' 'total 8')"
# --suppress 2: only bullying's urgent 1 is small.  Alone, it would be
# the urgent total (from another run) minus violence's 2: so the smallest
# other urgent count, violence's 2, is hidden too.  The cases column has
# two small counts (drugs, other), so nothing is added there.
eq "a lone hidden count gets a companion" "$(tb stats $R --suppress 2 | sed 's/  */ /g')" "$(printf '%s\n' \
    'category cases urgent' 'bullying 3 x' 'drugs x 0' \
    'other, "misc" x 0' 'violence 3 x' 'total 8')"

# CSV: the chosen keys only in the header, RFC 4180 quoting, CRLF, total.
tb stats $R --by category,school --format csv --suppress 2 > "$OUT/c" ||
    fail "csv"
cat "$OUT/c" >> "$all"
# By category: bullying has one small count (MP2's 1) beside NT1's 2, so
# the 2 is hidden too; by school: MP2 has one (bullying's 1) beside
# violence's 3, so the 3 goes too.  A hidden count of cases hides its
# urgent count.  (With such tiny numbers nearly everything goes.)
printf '%s\r\n' 'category,school,cases,urgent' 'bullying,MP2,x,0' \
    'bullying,NT1,x,x' 'drugs,-,x,0' 'other,NT1,x,0' 'violence,MP2,x,x' \
    'total,,8,' | sed 's/^other,/"other, ""misc""",/' > "$OUT/c.want"
check "csv output" cmp -s "$OUT/c" "$OUT/c.want" ||
    diff "$OUT/c.want" "$OUT/c"

# JSON: one document, keys in --by order, null school, "x" as a string.
# NT1 and the month 2026-10 each had a lone small count, and the
# companions chain: with such tiny numbers every count goes.
tb stats $R --by school,month --format json --suppress 2 > "$OUT/j" ||
    fail "json"
cat "$OUT/j" >> "$all"
check "json parses" jq -e . "$OUT/j" > /dev/null
eq "json total" "$(jq .total "$OUT/j")" "8"
eq "json groups" "$(jq -c '.groups[]' "$OUT/j")" "$(printf '%s\n' \
    '{"school":"MP2","month":"2026-10","cases":"x","urgent":"x"}' \
    '{"school":"MP2","month":"2026-11","cases":"x","urgent":0}' \
    '{"school":"NT1","month":"2026-10","cases":"x","urgent":0}' \
    '{"school":"NT1","month":"2026-11","cases":"x","urgent":"x"}' \
    '{"school":null,"month":"2026-11","cases":"x","urgent":0}')"
eq "json sum" "$(tb stats $R --format json | jq '[.groups[].cases] | add')" "8"
eq "json urgent" "$(tb stats $R --format json | jq '[.groups[].urgent] | add')" "3"

# Complementary suppression with enough counts to keep some: drugs' 1 is
# the only small count, so 10 - 5 - 4 would give it back; the smallest
# other count (bullying's 4) is hidden with it, and 10 - 5 leaves 1 + 4
# or 2 + 3 or ... .  Same by school,category: MP2's row group.
i=0; while [ $i -lt 5 ]; do addcase violence 0 MP2 "2025-03-10 10:00:00"; i=$((i + 1)); done
i=0; while [ $i -lt 4 ]; do addcase bullying 0 MP2 "2025-03-11 10:00:00"; i=$((i + 1)); done
addcase drugs 0 MP2 "2025-03-12 10:00:00"
M="--from 2025-03-01 --to 2025-03-31"
tb stats $M --suppress 3 > "$OUT/t" || fail "march"
cat "$OUT/t" >> "$all"
eq "one small count, one companion" "$(sed 's/  */ /g' "$OUT/t")" "$(printf '%s\n' \
    'category cases urgent' 'bullying x 0' 'drugs x 0' 'violence 5 0' 'total 10')"
eq "the same by school,category" "$(tb stats $M --by school,category --suppress 3 --format csv | tr -d '\r')" "$(printf '%s\n' \
    'school,category,cases,urgent' 'MP2,bullying,x,0' 'MP2,drugs,x,0' 'MP2,violence,5,0' 'total,,10,')"
eq "no small count, nothing hidden" "$(tb stats $M --suppress 1 | sed 's/  */ /g')" "$(printf '%s\n' \
    'category cases urgent' 'bullying 4 0' 'drugs 1 0' 'violence 5 0' 'total 10')"

# Table columns are padded by what a terminal shows, not by bytes: a
# category in decomposed form (NFD, combining marks) and one precomposed
# (NFC) take 7 columns each, like 'bat nat'.
nfd=$(printf 'ba\314\206\314\201t na\314\243t')
nfc=$(printf 'b\341\272\241o l\341\273\261c')
addcase "$nfd" 0 MP2 "2024-05-10 10:00:00"
addcase "$nfd" 0 MP2 "2024-05-11 10:00:00"
addcase "$nfc" 0 MP2 "2024-05-12 10:00:00"
addcase other 0 MP2 "2024-05-13 10:00:00"
eq "padded by display width" "$(tb stats --from 2024-05-01 --to 2024-05-31)" "$(printf '%s\n' \
    'category  cases  urgent' "$nfd       2       0" "$nfc       1       0" \
    'other         1       0' 'total 4')"

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
