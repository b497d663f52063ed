# School plans (issue 18): `tinbao plan set|list` keeps each school's plan
# per school year (received and when, form, models); after the deadline
# ([plans] deadline) the principal of a school whose plan is late gets one
# SMS reminder, not a second one on the next tick or after a restart (the
# next one is a week later), and an on-time school's principal none.  The
# gateway's clock is a test clock (TINBAO_TEST_NOW): 10 February 2026,
# after the 5 February deadline of 2025-2026.
DIGEST_TIME=00:00
. tests/regress/lib.sh
nstart=0
fresh_start() {	# start, waiting for this run's own log lines
	nstart=$((nstart + 1))
	[ -f "$OUT/serve.log" ] && mv "$OUT/serve.log" "$OUT/serve.$nstart.log"
	start
}
TZ=ICT-7
export TZ
setup
directory
out=$(tb plan set MP2 --year 2025-2026 --received 2026-02-01 --models camera,gate --form "Ngoại khóa pháp luật")
eq "plan set" "$out" "MP2 year=2025-2026 received=2026-02-01 late=no models=camera,gate form=Ngoại khóa pháp luật"
check "unknown model refused" sh -c "\"$TINBAO\" -c \"$CONF\" plan set MP2 --models drone 2>/dev/null; [ \$? -eq 2 ]"
check "unknown school refused" sh -c "\"$TINBAO\" -c \"$CONF\" plan set ZZ9 --year 2025-2026 2>/dev/null; [ \$? -eq 2 ]"
TINBAO_TEST_NOW=$(date -d "2026-02-10 09:00:00" +%s)
export TINBAO_TEST_NOW
eq "list: NT2 late" "$(tb plan list --year 2025-2026 | grep '^NT2')" "NT2 year=2025-2026 received=no late=yes models=- form=-"
eq "list: MP2 on time" "$(tb plan list | grep '^MP2' | cut -d' ' -f1-4)" "MP2 year=2025-2026 received=2026-02-01 late=no"
fresh_start
wait_count "a reminder" "SELECT 1 FROM outbox WHERE kind='reminder'" 1
sleep 1
stop
fresh_start
sleep 2
stop
eq "the late school's principal: one reminder" "$(count "SELECT 1 FROM outbox WHERE kind='reminder' AND number='+84911100012'")" "1"
eq "the on-time school's principal: none" "$(count "SELECT 1 FROM outbox WHERE kind='reminder' AND number='+84911100006'")" "0"
text=$(sql "SELECT text FROM outbox WHERE kind='reminder'")
eq "the reminder" "$text" "TINBAO Phong GD&DT: Truong THCS Nhi Thanh chua gui ke hoach dam bao ANTT nam hoc 2025-2026 (han 05/02/2026). De nghi gui som."
# A week later: the next one.
TINBAO_TEST_NOW=$(date -d "2026-02-17 09:30:00" +%s)
fresh_start
wait_count "the weekly reminder" "SELECT 1 FROM outbox WHERE kind='reminder' AND number='+84911100012'" 2
stop
# Before the deadline: nothing.
sql "DELETE FROM outbox WHERE kind='reminder'; DELETE FROM plans WHERE school <> 'MP2'"
TINBAO_TEST_NOW=$(date -d "2026-02-05 20:00:00" +%s)
fresh_start
sleep 2
stop
eq "no reminder on the deadline's day" "$(count "SELECT 1 FROM outbox WHERE kind='reminder'")" "0"

# The dashboard's page: the late schools, and a plan recorded there.
unset TINBAO_TEST_NOW
printf 'mat-khau-bureau-1\n' > "$OUT/pw"
tb user add lan --role bureau --password-file "$OUT/pw" > /dev/null || fail "user add"
fresh_start
base="http://$(http_addr)"
jar=$OUT/jar
t=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$t" \
    --data-urlencode "name=lan" --data-urlencode "password=mat-khau-bureau-1" "$base/login"
curl -s -b "$jar" "$base/plans?year=2025-2026" > "$OUT/plans.html"
check "page: NT2 late" sh -c "grep -o '<tr id=\"plan-NT2\">.*' '$OUT/plans.html' | grep -q 'Quá hạn'"
check "page: six late schools" grep -q 'Quá hạn: 6 trường' "$OUT/plans.html"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/plans.html" | head -n 1)
eq "POST without the token: 403" "$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" --data 'school=NT2&year=2025-2026' "$base/plans")" "403"
eq "POST a plan" "$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" --data-urlencode "csrf=$csrf" \
    --data-urlencode school=NT2 --data-urlencode year=2025-2026 --data-urlencode received=2026-02-12 \
    --data-urlencode 'form=<script>x</script>' --data-urlencode m_zalo=1 "$base/plans")" "303"
eq "recorded" "$(tb plan list --year 2025-2026 | grep '^NT2' | cut -d' ' -f1-5)" "NT2 year=2025-2026 received=2026-02-12 late=no models=zalo"
check "escaped on the page" sh -c "curl -s -b '$jar' '$base/plans?year=2025-2026' | grep -q '&lt;script&gt;x' && ! curl -s -b '$jar' '$base/plans?year=2025-2026' | grep -q '<script>x'"
eq "audited" "$(count "SELECT 1 FROM audit WHERE action='plan.set' AND actor='user:lan'")" "1"
finish
