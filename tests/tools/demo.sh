#!/bin/sh
# `make run`: the gateway on its embedded default.  Creates ./run/ (a SQLite
# database, a key file, libGammu's dummy phone), starts `tinbao serve`, makes
# one Vietnamese report arrive on the phone and shows it becoming a case and
# being acknowledged.  The gateway then keeps running, with its log on the
# terminal, until Ctrl-C.  TINBAO_DEMO_EXIT=1 stops it after the showing.
set -e
BIN=${1:?usage: demo.sh TINBAO}
RUN=$(pwd)/run
CONF=$RUN/tinbao.conf
mkdir -p "$RUN"
if [ ! -f "$CONF" ]; then
	cat > "$CONF" <<EOC
; Written by 'make run': the simulated phone and a local database.
[gammu]
model = dummy
connection = none
device = phone

[tinbao]
database = tinbao.db
keyfile = secret.key
district = Thủ Thừa
poll_interval = 1s
multipart_timeout = 30s

[escalation]
ack_timeout = 10m
EOC
fi
# The dashboard on this machine only (TINBAO_DEMO_LISTEN picks another
# address, e.g. when 8080 is taken).
LISTEN=${TINBAO_DEMO_LISTEN:-127.0.0.1:8080}
if grep -q '^\[http\]' "$CONF"; then
	sed -i "s|^listen = .*|listen = $LISTEN|" "$CONF"
else
	printf '\n[http]\nlisten = %s\n' "$LISTEN" >> "$CONF"
fi
"$BIN" -c "$CONF" db init
# A sample directory (deploy/sample/schools.csv, the test contacts), so
# that the report finds its school and its alerts find their recipients.
SCHOOLS=deploy/sample/schools.csv
if [ "$(sqlite3 "$RUN/tinbao.db" 'SELECT count(*) FROM contacts')" = 0 ]; then
	"$BIN" -c "$CONF" import schools "$SCHOOLS"
	"$BIN" -c "$CONF" import contacts tests/data/contacts.csv
fi
# A dashboard account for the Bureau, with a password made here.
if [ ! -f "$RUN/dashboard.pw" ]; then
	(umask 077; od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$RUN/dashboard.pw"; echo >> "$RUN/dashboard.pw")
	"$BIN" -c "$CONF" user add bureau --role bureau --replace \
	    --password-file "$RUN/dashboard.pw" > /dev/null
fi
"$BIN" -c "$CONF" serve > "$RUN/serve.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; exit 0' INT TERM
trap 'kill -TERM $PID 2>/dev/null' EXIT
i=0
until grep -q "state connecting -> up" "$RUN/serve.log"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $PID 2>/dev/null; then
		echo "tinbao serve did not start:"; cat "$RUN/serve.log"; exit 1
	fi
	sleep 0.1
done
before=$("$BIN" -c "$CONF" reports --json | wc -l)
TEXT="Em là học sinh lớp 8A trường THCS Mỹ Phú. Mấy anh lớp 9 cầm dao chặn em ở cổng trường đòi tiền, cứu em với."
echo
echo "== a pupil texts the hotline from 0912 345 678:"
echo "   $TEXT"
"$BIN" -c "$CONF" inject --from "0912 345 678" "$TEXT" > /dev/null
i=0
until [ "$("$BIN" -c "$CONF" reports --json | wc -l)" -gt "$before" ]; do
	i=$((i + 1)); [ $i -gt 150 ] && { echo "no case after 15 s"; cat "$RUN/serve.log"; exit 1; }
	sleep 0.1
done
code=$("$BIN" -c "$CONF" reports --json | tail -n 1 | jq -r .code)
i=0
# The outbox sends one SMS a second (send_interval): wait for all of them.
until [ "$(sqlite3 "$RUN/tinbao.db" "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')")" = 0 ]; do
	i=$((i + 1)); [ $i -gt 200 ] && break
	sleep 0.1
done
echo
echo "== the gateway's log:"
cat "$RUN/serve.log"
echo
echo "== tinbao reports:"
"$BIN" -c "$CONF" reports
echo
echo "== tinbao show $code:"
"$BIN" -c "$CONF" show "$code"
echo
echo "== what was sent: alerts (GSM-7, one SMS) and the acknowledgement (no number, no report text):"
sqlite3 "$RUN/tinbao.db" "SELECT kind, COALESCE(number, 'reporter ' || (SELECT alias FROM reporters WHERE id = reporter_id)), status, text FROM outbox WHERE case_id = (SELECT id FROM cases WHERE code = '$code') ORDER BY priority, id"
echo
ADDR=$(sed -n 's/.*http: listening on \([0-9.:]*\).*/\1/p' "$RUN/serve.log" | tail -n 1)
echo "== the dashboard: http://$ADDR/  (user bureau, password $(cat "$RUN/dashboard.pw"))"
echo
if [ "${TINBAO_DEMO_EXIT:-0}" = 1 ]; then
	kill -TERM $PID; wait $PID; trap - EXIT; exit 0
fi
echo "The gateway keeps running (Ctrl-C stops it). In another terminal:"
echo "  ./tinbao -c run/tinbao.conf inject \"Có bạn mang dao vào lớp 9C\""
echo "  ./tinbao -c run/tinbao.conf reports"
echo
tail -n 0 -f "$RUN/serve.log" &
TAILPID=$!
trap 'kill $TAILPID 2>/dev/null; kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; exit 0' INT TERM
wait $PID
kill $TAILPID 2>/dev/null
