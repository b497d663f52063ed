# The login throttle and the audit under attack (issue 16): a locked
# account stays locked however many made-up names fail from other
# addresses; X-Forwarded-For counts only from [http] trusted_proxy; a
# flood of refused logins and unknown API tokens gives a few audit rows
# and log lines plus one count row, not a row and a line each; a login
# name with a newline cannot forge a log line.
. tests/regress/lib.sh
setup
sed -i 's/^listen = 127.0.0.1:0$/listen = 127.0.0.1:0\ntrusted_proxy = 127.0.0.1/' "$CONF"
printf 'mat-khau-bureau-1\n' > "$OUT/pw.bureau"
printf 'mat-khau-admin-22\n' > "$OUT/pw.admin"
tb user add lan --role bureau --password-file "$OUT/pw.bureau" > /dev/null || fail "user add"
tb user add quan --role admin --password-file "$OUT/pw.admin" > /dev/null || fail "admin add"
start
base="http://$(http_addr)"

# login FROM NAME PASSWORD [X-Forwarded-For]: the form's token, then the
# POST, from source address FROM; prints the status code.
login() {
	jar=$OUT/jar.$1
	rm -f "$jar"
	curl -s --interface "$1" -c "$jar" -b "$jar" "$base/login" |
	    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' > "$jar.tok"
	curl -s -o /dev/null -w '%{http_code}' --interface "$1" -c "$jar" -b "$jar" \
	    ${4:+-H "X-Forwarded-For: 192.0.2.77, $4"} \
	    --data-urlencode "csrf=$(cat "$jar.tok")" --data-urlencode "name=$2" \
	    --data-urlencode "password=$3" "$base/login"
}

# 1. X-Forwarded-For from the trusted proxy (127.0.0.1): each office
#    behind it has its own count.  Twenty failures lock 10.0.0.1 only.
#    Its 3 audit rows are one clock minute's (audit.c): begun with 15 s of
#    the minute left at least (it takes 2 to 5 s), so that
#    a minute's end never falls inside it on a slow or busy machine.
while [ "$(date +%S)" -ge 45 ]; do sleep 0.5; done
for i in $(seq 1 20); do login 127.0.0.1 "nobody$i" wrong-password-x 10.0.0.1 > /dev/null; done
eq "forwarded address locked" "$(login 127.0.0.1 quan mat-khau-admin-22 10.0.0.1)" "429"
eq "another forwarded address logs in" "$(login 127.0.0.1 quan mat-khau-admin-22 10.0.0.2)" "303"
eq "audited with the forwarded address" "$(count "SELECT 1 FROM audit WHERE action='login.fail' AND addr='10.0.0.1'")" "3"
# From another address the header is the client's word: ignored.
for i in $(seq 1 20); do login 127.0.0.2 "nemo$i" wrong-password-x 10.0.0.3 > /dev/null; done
eq "untrusted X-Forwarded-For ignored" "$(login 127.0.0.2 quan mat-khau-admin-22 10.0.0.4)" "429"
eq "counted under the real address" "$(count "SELECT 1 FROM audit WHERE addr='10.0.0.3'")" "0"

# 2. Lock lan with five wrong passwords, then fail 144 made-up names from
#    eight other addresses (once enough to flush a shared table): lan stays
#    locked even with the right password.
for i in 1 2 3 4 5; do login 127.0.0.1 lan "wrong-$i" > /dev/null; done
eq "locked" "$(login 127.0.0.1 lan mat-khau-bureau-1)" "429"
for a in 3 4 5 6 7 8 9 10; do
	for i in $(seq 1 18); do login "127.0.0.$a" "made-up-$a-$i" wrong-password-y > /dev/null; done
done
eq "still locked after 144 other names" "$(login 127.0.0.11 lan mat-khau-bureau-1)" "429"
eq "unknown names hit their global ceiling" "$(login 127.0.0.12 yet-another-name whatever-pass)" "429"
eq "another account unaffected" "$(login 127.0.0.13 quan mat-khau-admin-22)" "303"

# 3. A flood of refused logins: 300 POSTs of the locked account.
rows0=$(count "SELECT 1 FROM audit WHERE action='login.blocked' AND addr='127.0.0.14'")
lines0=$(grep -c 'login refused name=lan' "$OUT/serve.log")
t0=$(date +%s)
for i in $(seq 1 300); do login 127.0.0.14 lan mat-khau-bureau-1; echo; done > "$OUT/codes"
# Per minute the loop spans: 3 rows and lines, then one count row.
mins=$(( $(date +%s) / 60 - t0 / 60 + 1 ))
eq "all refused" "$(sort -u "$OUT/codes")" "429"
rows=$(( $(count "SELECT 1 FROM audit WHERE action='login.blocked' AND addr='127.0.0.14'") - rows0 ))
lines=$(( $(grep -c 'login refused name=lan' "$OUT/serve.log") - lines0 ))
check "a few rows, not 300 ($rows in $mins minute(s))" [ "$rows" -le $((4 * mins)) ]
check "a few log lines, not 300 ($lines in $mins minute(s))" [ "$lines" -le $((3 * mins)) ]

# 4. Unknown API tokens: 200 requests, a few lines.
tok=$(printf 'A%.0s' $(seq 1 43))
t0=$(date +%s)
for i in $(seq 1 200); do
	curl -s -o /dev/null -H "Authorization: Bearer $tok" "$base/api/v1/cases"
done
lines=$(grep -c 'refused an unknown token' "$OUT/serve.log")
mins=$(( $(date +%s) / 60 - t0 / 60 + 1 ))
check "unknown tokens: a few log lines, not 200 ($lines)" [ "$lines" -le $((3 * mins)) ]

# 5. A login name with a newline is escaped in the log.
login 127.0.0.15 "$(printf 'x\nFORGED: login name=quan role=admin')" whatever-pass > /dev/null
check "no forged line" sh -c "! grep -q '^FORGED' '$OUT/serve.log'"
check "the newline escaped" grep -q 'name=x\\x0aFORGED' "$OUT/serve.log"

# The counted refusals are written as one row each at the minute's end,
# or at the latest when the gateway stops.
stop
total=$(sql "SELECT sum(CASE WHEN detail LIKE 'count=%' THEN substr(detail, 7) ELSE 1 END) FROM audit WHERE action='login.blocked' AND addr='127.0.0.14'")
eq "every refusal counted" "$total" "300"
check "count rows for the unknown tokens" [ "$(sql "SELECT sum(CASE WHEN detail LIKE 'count=%' THEN substr(detail, 7) ELSE 1 END) FROM audit WHERE action='token.refused'")" -eq 200 ]
check "no password in the log" sh -c "! grep -q 'mat-khau\|wrong-password' '$OUT/serve.log'"
finish
