# `tinbao setup` takes an office from nothing to a working hotline: on the
# dummy phone named with --device (checked with `gammu identify`), it
# writes the configuration, creates the database and the key file,
# imports the sample schools and the test contacts, creates the first
# admin and passes check-config; `tinbao serve` then runs on that
# configuration as it is, and an urgent report reaches the commune's
# police, the principal and the Bureau.  Run again, setup keeps what is
# there.  Without --device, the search skips what is not a modem and finds
# the fake AT modem (TINBAO_SETUP_DEVICES points it at the pty; the
# password comes from a pipe); when nothing answers, setup stops at step 1
# and writes nothing.
. tests/regress/lib.sh
rm -rf "$OUT"
mkdir -p "$OUT/phone"
CONF=$OUT/etc/tinbao.conf
echo "a password long enough" > "$OUT/admin.pw"

tb setup --device "$OUT/phone" --connection none --model dummy \
    --district "Thủ Thừa" --listen 127.0.0.1:0 --state-dir "$OUT" \
    --schools deploy/sample/schools.csv --contacts tests/data/contacts.csv \
    --password-file "$OUT/admin.pw" > "$OUT/setup.log" 2>&1
eq "setup exit status" "$?" 0
for s in 1 2 3 4 5; do
	check "step $s announced" grep -q "^tinbao setup: $s/5 " "$OUT/setup.log"
done
check "the dummy phone identified" grep -q "Dummy" "$OUT/setup.log"
check "check-config ok" grep -qx ok "$OUT/setup.log"
check "done, with the next command" grep -q "systemctl enable --now tinbao" "$OUT/setup.log"
eq "configuration mode" "$(stat -c %a "$CONF")" 640
eq "key file mode" "$(stat -c %a "$OUT/secret.key")" 600
eq "database mode" "$(stat -c %a "$OUT/tinbao.db")" 600
eq "district" "$(sed -n 's/^district = //p' "$CONF")" '"Thủ Thừa"'
eq "schools" "$(sql "SELECT count(*) FROM schools")" 7
eq "contacts" "$(sql "SELECT count(*) FROM contacts")" \
    "$(($(wc -l < tests/data/contacts.csv) - 1))"
eq "admin" "$(sql "SELECT role FROM users WHERE name = 'admin'")" admin
eq "check-config" "$(tb check-config)" ok

# The second run keeps the configuration and the account.
cp "$CONF" "$OUT/conf.first"
tb setup --schools deploy/sample/schools.csv --contacts tests/data/contacts.csv \
    --password-file "$OUT/admin.pw" > "$OUT/setup2.log" 2>&1
eq "second run's exit status" "$?" 0
check "configuration kept" cmp -s "$CONF" "$OUT/conf.first"
check "admin kept" grep -q "user admin exists: kept" "$OUT/setup2.log"
eq "still one admin" "$(sql "SELECT count(*) FROM users")" 1

# The hotline works on what setup wrote.
start
tb inject --from 0987000001 "Có mấy anh cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu với" > /dev/null
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
eq "urgent, school" "$(tb show "$(newest)" --json | jq -r '[.urgent, .school] | join(" ")')" "true MP2"
WAIT=30 wait_count "alerts sent" "SELECT 1 FROM outbox WHERE kind='alert' AND status='sent'" 3
eq "recipients" "$(sql "SELECT group_concat(number, ' ') FROM (SELECT number FROM outbox WHERE kind='alert' ORDER BY number)")" "+84911100001 +84911100006 +84911100009"
WAIT=30 wait_count "ack sent" "SELECT 1 FROM outbox WHERE kind='ack' AND status='sent'" 1
stop

# No modem among the candidates: step 1 fails, nothing is written.
: > "$OUT/notamodem"
CONF=$OUT/none/tinbao.conf
TINBAO_SETUP_DEVICES="$OUT/notamodem $OUT/nothing*" tb setup \
    --schools deploy/sample/schools.csv --contacts tests/data/contacts.csv \
    --password-file "$OUT/admin.pw" > "$OUT/setup3.log" 2>&1
eq "no modem: exit status" "$?" 1
check "no modem: the candidate tried" grep -q "notamodem: no modem" "$OUT/setup3.log"
check "no modem: said" grep -q "no device answered gammu identify" "$OUT/setup3.log"
check "no modem: nothing written" test ! -e "$CONF"

# The search finds the fake AT modem behind a device that is not one.
if [ -n "${FAKEMODEM:-}" ] && [ -x "$FAKEMODEM" ]; then
	"$FAKEMODEM" -l "$OUT/modem" -c "$OUT/modem.ctl" 2> "$OUT/fakemodem.log" &
	FM_PID=$!
	trap 'stop; kill $FM_PID 2>/dev/null' EXIT
	wait_for "fake modem" test -S "$OUT/modem.ctl"
	CONF=$OUT/at/tinbao.conf
	# The password from standard input this time, as from a pipe.
	echo "another long password" | TINBAO_SETUP_DEVICES="$OUT/notamodem \
	    $OUT/modem" tb setup --state-dir "$OUT/at" --listen 127.0.0.1:0 \
	    --schools deploy/sample/schools.csv \
	    --contacts tests/data/contacts.csv > "$OUT/setup4.log" 2>&1
	eq "search: exit status" "$?" 0
	eq "search: device" "$(sed -n 's/^device = //p' "$CONF")" "$OUT/modem"
	eq "search: connection" "$(sed -n 's/^connection = //p' "$CONF")" at
	eq "search: admin, password from stdin" "$(sqlite3 "$OUT/at/tinbao.db" \
	    "SELECT role FROM users WHERE name = 'admin'")" admin
	kill "$FM_PID" 2>/dev/null
	wait "$FM_PID" 2>/dev/null
fi
finish
