# The three doors of a case action (caseact.c): the same acknowledge,
# reply and close, on an open and then on a closed case, through a
# responder's SMS (the dummy phone), the dashboard (login and CSRF) and the
# API (a bearer token), leave the same state: status and outcome, the
# action's timeline events, what was relayed to the reporter, the audit
# rows.  Acknowledging twice is recorded once more; replying to an open case
# acknowledges it; a close without an outcome closes (SPEC 4); on a closed case
# every action is refused (the SMS answer says so, the dashboard and the API
# answer 409) and nothing changes: no event, no relay, no audit row, the
# outcome kept.  The case list's filters, parsed once for both, accept and
# refuse the same dates and words on the dashboard and in the API.
. tests/regress/lib.sh
setup
directory
printf 'mat-khau-bureau-1\n' > "$OUT/pw"
tb user add lan --role bureau --password-file "$OUT/pw" > /dev/null || fail "user add"
TOK=$(tb token add script --role bureau 2> /dev/null) || fail "token add"
start
base="http://$(http_addr)"
OFFICER=0911100001	# police, Mỹ Phú, no PIN
OFFICER_E164=+84911100001

# Two cases a door: X goes ack, ack, reply, close; Y is answered while open.
n=0
for d in sms web api; do
	for k in X Y; do
		n=$((n + 1))
		tb inject --from "09873000$((10 + n))" "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
		wait_for "case $n" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq $n ]"
		eval "$k$d=\$(newest)"
	done
done

# sig CODE: what an action leaves on a case, the same whichever door.
sig() {
	id="(SELECT id FROM cases WHERE code='$1')"
	printf '%s|%s|%s|relay=%s|thanks=%s|%s' \
	    "$(sql "SELECT status FROM cases WHERE id=$id")" \
	    "$(sql "SELECT coalesce(outcome, '') FROM cases WHERE id=$id")" \
	    "$(sql "SELECT group_concat(type, ',') FROM (SELECT type FROM events WHERE case_id=$id AND (type IN ('acknowledged', 'acknowledged_again', 'relay_to_reporter', 'closed', 'closed_again', 'reply_suppressed') OR (type = 'reply_queued' AND (detail LIKE 'relay %' OR detail LIKE 'closed %'))) ORDER BY id)")" \
	    "$(count "SELECT 1 FROM outbox WHERE case_id=$id AND kind='relay' AND reporter_id IS NOT NULL AND number IS NULL")" \
	    "$(count "SELECT 1 FROM outbox WHERE case_id=$id AND kind='closed' AND reporter_id IS NOT NULL")" \
	    "$(sql "SELECT group_concat(action, ',') FROM (SELECT action FROM audit WHERE case_id=$id AND action IN ('case.ack', 'case.reply', 'case.close') ORDER BY id)")"
}

# --- the SMS door: one answer to the officer for every command
answers="SELECT 1 FROM outbox WHERE number='$OFFICER_E164' AND kind='command'"
sms() {	# sms TEXT: sends it from the officer, waits for the answer
	before=$(count "$answers")
	tb inject --from $OFFICER "$1" > /dev/null
	wait_count "the answer to '$1'" "$answers" $((before + 1))
}
last_answer() {
	sql "SELECT text FROM outbox WHERE number='$OFFICER_E164' AND kind='command' ORDER BY id DESC LIMIT 1"
}
door_sms() {	# door_sms ACTION CODE [TEXT]: the answer on stdout
	case $1 in
	ack) sms "NHAN $2" ;;
	reply) sms "TL $2 $3" ;;
	close) sms "XONG $2${3:+ $3}" ;;
	esac
	last_answer
}

# --- the dashboard's door: log in, then each POST carries the CSRF token
jar=$OUT/jar
t=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
eq "login" "$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "csrf=$t" --data-urlencode name=lan --data-urlencode password=mat-khau-bureau-1 "$base/login")" "303"
csrf=$(curl -s -b "$jar" -c "$jar" "$base/cases/$Xweb" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$csrf" ] || fail "no CSRF token on the case page"
door_web() {	# door_web ACTION CODE [TEXT]: the HTTP status on stdout
	case $1 in
	ack) set -- "$1" "$2" ;;
	reply) set -- "$1" "$2" --data-urlencode "text=$3" ;;
	close) set -- "$1" "$2" --data-urlencode "outcome=$3" ;;
	esac
	a=$1; c=$2; shift 2
	curl -s -o "$OUT/web.html" -w '%{http_code}' -b "$jar" -c "$jar" \
	    --data-urlencode "csrf=$csrf" "$@" "$base/cases/$c/$a"
}

# --- the API's door
door_api() {	# door_api ACTION CODE [TEXT]: the HTTP status on stdout
	case $1 in
	ack) body='{}' ;;
	reply) body=$(jq -nc --arg t "$3" '{text: $t}') ;;
	close) body=$(jq -nc --arg t "$3" '{outcome: $t}') ;;
	esac
	curl -s -o "$OUT/api.json" -w '%{http_code}' -X POST \
	    -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
	    --data-binary "$body" "$base/api/v1/cases/$2/$1"
}

# What each door answers for a result, in its own words.
want() {	# want DOOR RESULT CODE
	case $1:$2 in
	sms:ack) echo "Da nhan $3. Tra loi nguoi bao: TL $3 <noi dung>. Dong: XONG $3 <ket qua>." ;;
	sms:reply) echo "Da chuyen tra loi cho nguoi bao ho so $3." ;;
	sms:close) echo "Da dong ho so $3." ;;
	sms:closed-*) echo "Ho so $3 da dong, lenh $(echo "${2#closed-}" | sed 's/ack/NHAN/; s/reply/TL/; s/close/XONG/') khong duoc thuc hien." ;;
	web:closed-*) echo 409 ;;
	web:*) echo 303 ;;
	api:closed-*) echo 409 ;;
	api:*) echo 200 ;;
	esac
}

REPLY="Công an xã đang tới, em ở yên trong lớp"
OUTCOME="Đã xử lý, các em an toàn"
for d in sms web api; do
	eval "x=\$X$d; y=\$Y$d"
	# On the open case X: acknowledge, again, answer, close.
	eq "$d: ack" "$(door_$d ack "$x")" "$(want $d ack "$x")"
	eq "$d: acknowledged" "$(sql "SELECT status FROM cases WHERE code='$x'")" "acknowledged"
	eq "$d: escalation stopped" "$(sql "SELECT esc_at IS NULL FROM cases WHERE code='$x'")" "1"
	eq "$d: ack again" "$(door_$d ack "$x")" "$(want $d ack "$x")"
	eq "$d: reply" "$(door_$d reply "$x" "$REPLY")" "$(want $d reply "$x")"
	eq "$d: close" "$(door_$d close "$x" "$OUTCOME")" "$(want $d close "$x")"
	eval "open_$d=\$(sig \"\$x\")"
	# On the closed case: every action refused, nothing changes.
	eq "$d: ack of a closed case" "$(door_$d ack "$x")" "$(want $d closed-ack "$x")"
	eq "$d: reply to a closed case" "$(door_$d reply "$x" "còn đó không?")" "$(want $d closed-reply "$x")"
	eq "$d: close of a closed case" "$(door_$d close "$x" "lại")" "$(want $d closed-close "$x")"
	eval "closed_$d=\$(sig \"\$x\")"
	eval "eq \"$d: nothing changed on the closed case\" \"\$closed_$d\" \"\$open_$d\""
	# On the open case Y: answering acknowledges.
	eq "$d: reply to an open case" "$(door_$d reply "$y" "$REPLY")" "$(want $d reply "$y")"
	eval "reply_$d=\$(sig \"\$y\")"
	# The outcome is optional (SPEC section 4: XONG <CASE> [outcome]).
	eq "$d: close without an outcome" "$(door_$d close "$y" "")" "$(want $d close "$y")"
	eq "$d: closed without one" "$(sql "SELECT status || '|' || coalesce(outcome, '') FROM cases WHERE code='$y'")" "closed|"
done

# The same state through every door, and the state the rules say.
eq "X by SMS" "$closed_sms" "closed|$OUTCOME|acknowledged,acknowledged_again,relay_to_reporter,reply_queued,closed,reply_queued|relay=1|thanks=1|case.ack,case.ack,case.reply,case.close"
eq "X by the dashboard = by SMS" "$closed_web" "$closed_sms"
eq "X by the API = by SMS" "$closed_api" "$closed_sms"
eq "Y by SMS" "$reply_sms" "acknowledged||acknowledged,relay_to_reporter,reply_queued|relay=1|thanks=0|case.reply"
eq "Y by the dashboard = by SMS" "$reply_web" "$reply_sms"
eq "Y by the API = by SMS" "$reply_api" "$reply_sms"

# Who acted, as each door names them; a refusal left no audit row.
check "SMS actor is the contact" [ "$(count "SELECT 1 FROM audit WHERE actor LIKE 'police:%' AND action LIKE 'case.%'")" -eq 6 ]
eq "dashboard actor" "$(count "SELECT 1 FROM audit WHERE actor='user:lan' AND action IN ('case.ack', 'case.reply', 'case.close')")" "6"
eq "API actor" "$(count "SELECT 1 FROM audit WHERE actor='token:script' AND action IN ('case.ack', 'case.reply', 'case.close')")" "6"
eq "the SMS door's acknowledgement names the officer" "$(sql "SELECT ack_contact_id IS NOT NULL FROM cases WHERE code='$Xsms'")" "1"
eq "the dashboard's names nobody" "$(sql "SELECT ack_contact_id IS NULL FROM cases WHERE code='$Xweb'")" "1"
# The case list's filters: the dashboard and the API share one parser.
flt() {	# flt QUERY: "dashboard-status api-status"
	printf '%s %s' \
	    "$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base/cases?$1")" \
	    "$(curl -s -o "$OUT/api.json" -w '%{http_code}' -H "Authorization: Bearer $TOK" "$base/api/v1/cases?$1")"
}
eq "a day that does not exist" "$(flt from=2026-02-31)" "400 400"
eq "nor does this one" "$(flt to=2025-02-29)" "400 400"
eq "a leap day" "$(flt from=2024-02-29)" "200 200"
eq "from after to" "$(flt 'from=2026-11-02&to=2026-11-01')" "400 400"
eq "an unknown category" "$(flt category=lost)" "400 400"
check "the API names the table's categories" jq -e '.error | test("health")' "$OUT/api.json"
eq "empty means any" "$(flt 'status=&category=&school=&urgent=&from=&to=')" "200 200"
eq "no school" "$(flt school=none)" "200 200"
eq "an unknown status" "$(flt status=lost)" "400 400"
eq "urgent, as a form sends it" "$(flt urgent=1)" "200 200"
wait_count "every relay sent by the phone" "SELECT 1 FROM outbox WHERE kind='relay' AND status='sent'" 6
finish
