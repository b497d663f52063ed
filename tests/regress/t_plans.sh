# School plans (issue 18): `tinbao plan set|list` keeps each school's plan
# per school year (received and when, form, models); after the deadline
# ([plans] deadline) the principal of a school whose plan is late gets one
# SMS reminder, not a second one on the next tick or after a restart (the
# next one is a week later), and an on-time school's principal none.  The
# gateway's clock is a test clock (TINBAO_TEST_NOW): 10 February 2026,
# after the 5 February deadline of 2025-2026.
DIGEST_TIME=00:00
. tests/regress/lib.sh
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
start
wait_count "a reminder" "SELECT 1 FROM outbox WHERE kind='reminder'" 1
sleep 1
stop
start
sleep 2
stop
eq "the late school's principal: one reminder" "$(count "SELECT 1 FROM outbox WHERE kind='reminder' AND number='+84911100012'")" "1"
eq "the on-time school's principal: none" "$(count "SELECT 1 FROM outbox WHERE kind='reminder' AND number='+84911100006'")" "0"
text=$(sql "SELECT text FROM outbox WHERE kind='reminder'")
eq "the reminder" "$text" "TINBAO Phong GD&DT: Truong THCS Nhi Thanh chua gui ke hoach dam bao ANTT nam hoc 2025-2026 (han 05/02/2026). De nghi gui som."
# A week later: the next one.
TINBAO_TEST_NOW=$(date -d "2026-02-17 09:30:00" +%s)
start
wait_count "the weekly reminder" "SELECT 1 FROM outbox WHERE kind='reminder' AND number='+84911100012'" 2
stop
# Before the deadline: nothing.
sql "DELETE FROM outbox WHERE kind='reminder'; DELETE FROM plans WHERE school <> 'MP2'"
TINBAO_TEST_NOW=$(date -d "2026-02-05 20:00:00" +%s)
start
sleep 2
stop
eq "no reminder on the deadline's day" "$(count "SELECT 1 FROM outbox WHERE kind='reminder'")" "0"
finish
