# The JSON API at /api/v1/ against the real `tinbao serve`: bearer tokens
# (none, unknown, malformed, revoked: 401; only a hash in the database),
# the case list's filters and paging, one case with its timeline, the
# Bureau's acknowledge (escalation stops), reply (a relay SMS to the
# reporter by reference, sent by the phone) and close, the roles (bureau
# gets 403 on a directory write, admin upserts a school and a contact),
# the statistics with small-count suppression, the audit rows, the error
# statuses, and that no reporter's number appears in any answer while a
# text with <script> and quotes comes back intact.
. tests/regress/lib.sh
setup
directory
start
A=$(http_addr)
[ -n "$A" ] || fail "no http address in serve.log"
ALL=$OUT/api.all	# every answer body, grepped for numbers at the end
: > "$ALL"

# api TOKEN METHOD PATH [BODY]: the status on stdout, the body in $OUT/body.
api() {
	tok=$1; method=$2; path=$3; data=${4-}
	set -- -s -o "$OUT/body" -w '%{http_code}' -X "$method" \
	    -D "$OUT/headers" "http://$A$path"
	[ -n "$tok" ] && set -- "$@" -H "Authorization: Bearer $tok"
	if [ -n "$data" ]; then
		printf '%s' "$data" > "$OUT/req"
		set -- "$@" -H 'Content-Type: application/json' \
		    --data-binary "@$OUT/req"
	fi
	curl "$@"
	cat "$OUT/body" >> "$ALL"
}
body() { jq -r "$1" "$OUT/body"; }

# --- tokens
BUR=$(tb token add script --role bureau 2> "$OUT/err") || fail "token add: $(cat "$OUT/err")"
ADM=$(tb token add boss --role admin 2> /dev/null) || fail "admin token add"
OLD=$(tb token add old-laptop --role bureau 2> /dev/null) || fail "third token add"
check "token format" sh -c "printf %s '$BUR' | grep -Eqx 'tb_[A-Za-z0-9_-]{43}'"
check "tokens differ" [ "$BUR" != "$ADM" ]
check "a name is not reused" sh -c "! '$TINBAO' -c '$CONF' token add script --role admin > /dev/null 2>&1"
eq "bad role refused" "$(tb token add x --role root > /dev/null 2>&1; echo $?)" "2"
tb token list > "$OUT/list" || fail "token list"
check "list names the tokens" grep -q '^boss  *admin' "$OUT/list"
check "list never shows a token" sh -c "! grep -q 'tb_' '$OUT/list'"
check "only the hash is stored" sh -c "! cat '$OUT'/tinbao.db* | grep -aq '${BUR#tb_}'"
eq "hashes stored" "$(sql "SELECT count(*) FROM api_tokens WHERE length(token_hash) = 32")" "3"

# --- cases to work on: the pupil's number must never come back
PUPIL=0987123456
XSS='Có người cầm dao đánh nhau <script>alert("x")</script> ở cổng trường THCS Mỹ Phú, cứu'
tb inject --from $PUPIL "$XSS" > /dev/null
wait_for "case 1" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
code=$(newest)
tb inject --from 0987123457 "Bạn em bị bắt nạt ở trường Tiểu học Nhị Thành" > /dev/null
wait_for "case 2" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
tb inject --from 0987123458 "Có người bán thuốc lá điện tử cho học sinh ở gần chợ" > /dev/null
wait_for "case 3" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
tb reports --json > "$OUT/cli.json"

# --- authentication
eq "no token" "$(api "" GET /api/v1/cases)" "401"
check "401 asks for a bearer token" grep -qi '^WWW-Authenticate: Bearer' "$OUT/headers"
check "401 is JSON" jq -e '.error | length > 0' "$OUT/body"
eq "no token, unknown path" "$(api "" GET /api/v1/nothing)" "401"
eq "unknown token" "$(api tb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA GET /api/v1/cases)" "401"
check "invalid_token" grep -qi 'error="invalid_token"' "$OUT/headers"
eq "malformed token" "$(api "not-a-token" GET /api/v1/cases)" "401"
eq "a token one character off" "$(api "${BUR%?}x" GET /api/v1/cases)" "401"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $BUR" "http://$A/api/v1/cases")
eq "another scheme" "$status" "401"
eq "the third token works" "$(api "$OLD" GET /api/v1/cases)" "200"
tb token revoke old-laptop > /dev/null || fail "token revoke"
eq "revoked token" "$(api "$OLD" GET /api/v1/cases)" "401"
check "revoked said" jq -e '.error | test("revoked")' "$OUT/body"
check "revoke of an unknown name fails" sh -c "! '$TINBAO' -c '$CONF' token revoke nobody 2> /dev/null"
tb token list > "$OUT/list"
check "list shows revoked" grep -q '^old-laptop .*revoked' "$OUT/list"

# --- the case list: total, paging, filters
eq "list" "$(api "$BUR" GET /api/v1/cases)" "200"
check "JSON content type" grep -qi '^Content-Type: application/json; charset=utf-8' "$OUT/headers"
eq "total" "$(body .total)" "3"
eq "three shown" "$(body '.cases | length')" "3"
eq "newest first" "$(body '.cases[2].code')" "$code"
eq "page 1" "$(api "$BUR" GET '/api/v1/cases?limit=2')" "200"
p1=$(body '[.cases[].code] | join(" ")')
eq "page 1 size, total kept" "$(body '[(.cases | length), .total, .limit] | join(" ")')" "2 3 2"
api "$BUR" GET '/api/v1/cases?limit=2&offset=2' > /dev/null
p2=$(body '[.cases[].code] | join(" ")')
eq "page 2 size" "$(body '[(.cases | length), .offset] | join(" ")')" "1 2"
eq "pages cover every case once" "$(echo $p1 $p2 | tr ' ' '\n' | sort | tr '\n' ' ')" \
    "$(jq -r .code "$OUT/cli.json" | sort | tr '\n' ' ')"
mp2=$(jq -s '[.[] | select(.school == "MP2")] | length' "$OUT/cli.json")
check "a case at MP2" [ "$mp2" -ge 1 ]
api "$BUR" GET '/api/v1/cases?school=MP2' > /dev/null
eq "school filter" "$(body .total)" "$mp2"
eq "school filter rows" "$(body '[.cases[] | select(.school != "MP2")] | length')" "0"
noschool=$(jq -s '[.[] | select(.school == null)] | length' "$OUT/cli.json")
api "$BUR" GET '/api/v1/cases?school=none' > /dev/null
eq "no-school filter" "$(body .total)" "$noschool"
urgent=$(jq -s '[.[] | select(.urgent)] | length' "$OUT/cli.json")
api "$BUR" GET '/api/v1/cases?urgent=true' > /dev/null
eq "urgent filter" "$(body .total)" "$urgent"
api "$BUR" GET '/api/v1/cases?urgent=false' > /dev/null
eq "not urgent filter" "$(body .total)" "$((3 - urgent))"
cat1=$(jq -r .category "$OUT/cli.json" | head -n 1)
api "$BUR" GET "/api/v1/cases?category=$cat1" > /dev/null
eq "category filter" "$(body .total)" "$(jq -s --arg c "$cat1" '[.[] | select(.category == $c)] | length' "$OUT/cli.json")"
today=$(date +%F)
api "$BUR" GET "/api/v1/cases?from=$today&to=$today" > /dev/null
eq "today, both ends included" "$(body .total)" "3"
api "$BUR" GET "/api/v1/cases?from=$(date -d tomorrow +%F)" > /dev/null
eq "from tomorrow" "$(body .total)" "0"
api "$BUR" GET "/api/v1/cases?to=$(date -d yesterday +%F)" > /dev/null
eq "to yesterday" "$(body .total)" "0"
eq "limit too big" "$(api "$BUR" GET '/api/v1/cases?limit=201')" "400"
eq "limit 0" "$(api "$BUR" GET '/api/v1/cases?limit=0')" "400"
eq "a day that does not exist" "$(api "$BUR" GET '/api/v1/cases?from=2026-02-30')" "400"
eq "bad status" "$(api "$BUR" GET '/api/v1/cases?status=lost')" "400"
eq "unknown parameter" "$(api "$BUR" GET '/api/v1/cases?colour=red')" "400"
check "the error says which" jq -e '.error | test("colour")' "$OUT/body"
eq "from after to" "$(api "$BUR" GET '/api/v1/cases?from=2026-11-02&to=2026-11-01')" "400"

# --- one case, its timeline, the text intact
eq "show" "$(api "$BUR" GET "/api/v1/cases/$code")" "200"
eq "text comes back intact" "$(body .text)" "$XSS"
check "raw quotes are escaped" grep -qF '<script>alert(\"x\")</script>' "$OUT/body"
check "timeline has the report" jq -e '[.timeline[] | select(.source == "event" and .type == "received")] | length == 1' "$OUT/body"
check "timeline has the message, from 'reporter'" jq -e '[.timeline[] | select(.source == "in" and .who == "reporter")] | length == 1' "$OUT/body"
check "timeline items have every key" jq -e '[.timeline[] | keys == ["at","detail","source","status","type","who"]] | all' "$OUT/body"
check "reporter is an alias" jq -e '.reporter | test("^NB-")' "$OUT/body"
eq "lower-case code works" "$(api "$BUR" GET "/api/v1/cases/$(echo "$code" | tr A-Z a-z)")" "200"
eq "no such case" "$(api "$BUR" GET /api/v1/cases/ZZZZ)" "404"
eq "not a code" "$(api "$BUR" GET '/api/v1/cases/%3Cx%3E')" "404"
eq "no such endpoint" "$(api "$BUR" GET /api/v1/nothing)" "404"
eq "too deep a path" "$(api "$BUR" GET "/api/v1/cases/$code/ack/more")" "404"
eq "GET on an action" "$(api "$BUR" GET "/api/v1/cases/$code/ack")" "405"
check "Allow header" grep -qi '^Allow: POST' "$OUT/headers"
eq "POST on the list" "$(api "$BUR" POST /api/v1/cases '{}')" "405"

# --- acknowledge: status changes and the escalation timer stops
WAIT=20 wait_for "escalation armed" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT esc_at IS NOT NULL FROM cases WHERE code='$code'\")\" = 1 ]"
eq "ack" "$(api "$BUR" POST "/api/v1/cases/$code/ack")" "200"
eq "acknowledged" "$(body .status)" "acknowledged"
eq "escalation stopped" "$(sql "SELECT esc_at IS NULL FROM cases WHERE code='$code'")" "1"
api "$BUR" GET '/api/v1/cases?status=acknowledged' > /dev/null
eq "status filter" "$(body '[.total, .cases[0].code] | join(" ")')" "1 $code"
eq "ack again is harmless" "$(api "$BUR" POST "/api/v1/cases/$code/ack")" "200"

# --- reply: an SMS to the reporter, by reference, sent by the phone
eq "reply without body" "$(api "$BUR" POST "/api/v1/cases/$code/reply")" "400"
eq "reply invalid JSON" "$(api "$BUR" POST "/api/v1/cases/$code/reply" '{"text": "a",')" "400"
eq "reply not an object" "$(api "$BUR" POST "/api/v1/cases/$code/reply" '["text"]')" "400"
eq "reply empty" "$(api "$BUR" POST "/api/v1/cases/$code/reply" '{"text": "  "}')" "400"
eq "reply not a string" "$(api "$BUR" POST "/api/v1/cases/$code/reply" '{"text": 5}')" "400"
long=$(head -c 501 /dev/zero | tr '\0' 'a')
eq "reply too long" "$(api "$BUR" POST "/api/v1/cases/$code/reply" "{\"text\": \"$long\"}")" "400"
eq "reply 500 characters" "$(api "$BUR" POST "/api/v1/cases/ZZZZ/reply" "{\"text\": \"${long%a}\"}")" "404"
eq "nested too deep" "$(api "$BUR" POST "/api/v1/cases/$code/reply" '{"text": "a", "x": [[[[[1]]]]]}')" "400"
check "depth said" jq -e '.error | test("deeper")' "$OUT/body"
eq "bad UTF-8" "$(api "$BUR" POST "/api/v1/cases/$code/reply" "$(printf '{"text": "\377"}')")" "400"
big=$(head -c 20000 /dev/zero | tr '\0' 'b')
eq "body too large" "$(api "$BUR" POST "/api/v1/cases/$code/reply" "{\"text\": \"$big\"}")" "413"
check "413 is JSON" jq -e '.error | test("larger")' "$OUT/body"
eq "no relay queued by the refusals" "$(count "SELECT 1 FROM outbox WHERE kind='relay'")" "0"
eq "reply" "$(api "$BUR" POST "/api/v1/cases/$code/reply" '{"text": "Công an đang tới, em ở yên trong lớp"}')" "200"
relay="SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code='$code' AND o.kind='relay' AND o.reporter_id IS NOT NULL AND o.number IS NULL"
eq "a relay to the reporter, by reference" "$(count "$relay")" "1"
check "relay carries the words" sh -c "sqlite3 '$OUT/tinbao.db' \"SELECT text FROM outbox WHERE kind='relay'\" | grep -q 'Công an đang tới'"
wait_count "the phone sent the relay" "$relay AND o.status='sent'" 1

# --- close
eq "close without outcome" "$(api "$BUR" POST "/api/v1/cases/$code/close" '{}')" "400"
eq "close" "$(api "$BUR" POST "/api/v1/cases/$code/close" '{"outcome": "Đã xử lý, các em an toàn"}')" "200"
eq "closed" "$(body '[.status, .outcome] | join("|")')" "closed|Đã xử lý, các em an toàn"
wait_count "the reporter is told" "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$code' AND o.kind='closed' AND o.reporter_id IS NOT NULL" 1
eq "reply to a closed case" "$(api "$BUR" POST "/api/v1/cases/$code/reply" '{"text": "còn đó không?"}')" "409"
eq "close again: a closed case is final" "$(api "$BUR" POST "/api/v1/cases/$code/close" '{"outcome": "lại"}')" "409"
eq "the outcome is kept" "$(sql "SELECT outcome FROM cases WHERE code='$code'")" "Đã xử lý, các em an toàn"
eq "ack of a closed case" "$(api "$BUR" POST "/api/v1/cases/$code/ack")" "409"
eq "one thank-you only" "$(count "SELECT 1 FROM outbox o JOIN cases c ON c.id=o.case_id WHERE c.code='$code' AND o.kind='closed'")" "1"

# A reply of 500 three-byte characters by a token with a 63-character name:
# the timeline event and the SMS keep the whole text; one more character
# is refused.
LONGNAME=$(head -c 63 /dev/zero | tr '\0' 'n')
LT=$(tb token add "$LONGNAME" --role bureau 2> /dev/null) || fail "63-character name"
code2=$(jq -r .code "$OUT/cli.json" | grep -v "^$code\$" | head -n 1)
dots=$(for i in $(seq 500); do printf 'ạ'; done)
eq "reply of 500 characters (1500 bytes)" "$(api "$LT" POST "/api/v1/cases/$code2/reply" "{\"text\": \"$dots\"}")" "200"
eq "one more is refused" "$(api "$LT" POST "/api/v1/cases/$code2/reply" "{\"text\": \"${dots}a\"}")" "400"
api "$LT" GET "/api/v1/cases/$code2" > /dev/null
check "the timeline has the whole text" jq -e --arg t "$dots" '[.timeline[] | select(.type == "relay_to_reporter") | .detail | endswith($t)] == [true]' "$OUT/body"
check "the SMS has the whole text" sh -c "sqlite3 '$OUT/tinbao.db' \"SELECT text FROM outbox WHERE kind='relay' AND case_id=(SELECT id FROM cases WHERE code='$code2')\" | grep -q '$dots\$'"

# --- the audit log
for a in case.list case.view case.ack case.reply case.close; do
	check "audited: $a" [ "$(count "SELECT 1 FROM audit WHERE actor='token:script' AND action='$a'")" -ge 1 ]
done
eq "each view of the case audited (show, lower-case show)" "$(count "SELECT 1 FROM audit a JOIN cases c ON c.id=a.case_id WHERE a.action='case.view' AND a.actor='token:script' AND c.code='$code'")" "2"
eq "actions from 127.0.0.1" "$(sql "SELECT DISTINCT addr FROM audit WHERE action='case.ack'")" "127.0.0.1"
eq "token creation audited" "$(count "SELECT 1 FROM audit WHERE actor='cli' AND action='token.add'")" "4"
eq "revoke audited" "$(count "SELECT 1 FROM audit WHERE actor='cli' AND action='token.revoke' AND detail='name=old-laptop'")" "1"
eq "used_at recorded" "$(sql "SELECT used_at IS NOT NULL FROM api_tokens WHERE name='script'")" "1"

# --- the directory: bureau reads, only admin writes
eq "schools" "$(api "$BUR" GET /api/v1/schools)" "200"
check "schools listed" jq -e '[.schools[].code] | index("MP2")' "$OUT/body"
eq "contacts" "$(api "$BUR" GET /api/v1/contacts)" "200"
check "contacts listed, no PIN" jq -e '(.contacts | length) == 13 and ([.contacts[] | has("pin") or has("pin_mac")] | any | not)' "$OUT/body"
SCHOOL='{"code": "ZZ9", "name": "Trường THCS Thử", "commune": "Mỹ Phú", "level": "THCS"}'
eq "bureau may not write" "$(api "$BUR" POST /api/v1/schools "$SCHOOL")" "403"
eq "nothing written" "$(count "SELECT 1 FROM schools WHERE code='ZZ9'")" "0"
eq "admin upserts a school" "$(api "$ADM" POST /api/v1/schools "$SCHOOL")" "200"
eq "the school" "$(body '[.code, .name, .level] | join("|")')" "ZZ9|Trường THCS Thử|THCS"
eq "school stored" "$(sql "SELECT name FROM schools WHERE code='ZZ9'")" "Trường THCS Thử"
eq "admin updates it" "$(api "$ADM" POST /api/v1/schools '{"code": "ZZ9", "name": "Trường THCS Thử Hai", "level": "THCS"}')" "200"
eq "updated in place" "$(sql "SELECT count(*) || '|' || max(name) FROM schools WHERE code='ZZ9'")" "1|Trường THCS Thử Hai"
eq "import's level rule" "$(api "$ADM" POST /api/v1/schools '{"code": "ZZ8", "name": "X", "level": "ABC"}')" "400"
check "says why" jq -e '.error | test("level")' "$OUT/body"
eq "unknown member" "$(api "$ADM" POST /api/v1/schools '{"code": "ZZ8", "name": "X", "level": "TH", "colour": "red"}')" "400"
eq "school upsert audited" "$(count "SELECT 1 FROM audit WHERE actor='token:boss' AND action='school.upsert' AND detail='code=ZZ9'")" "2"
eq "bureau may not add a contact" "$(api "$BUR" POST /api/v1/contacts '{"name": "A", "phone": "0911100099", "role": "police"}')" "403"
eq "admin adds a contact" "$(api "$ADM" POST /api/v1/contacts '{"name": "Cô Thử", "phone": "0911 100 099", "role": "teacher", "school": "ZZ9", "level": 2, "pin": "2468"}')" "200"
eq "the contact" "$(body '[.phone, .role, .school, .level, .has_pin] | join("|")')" "+84911100099|teacher|ZZ9|2|true"
check "the PIN is not stored in clear" sh -c "! cat '$OUT'/tinbao.db* | grep -aq 2468"
eq "a teacher needs a school" "$(api "$ADM" POST /api/v1/contacts '{"name": "B", "phone": "0911100098", "role": "teacher"}')" "400"
eq "unknown school" "$(api "$ADM" POST /api/v1/contacts '{"name": "B", "phone": "0911100098", "role": "teacher", "school": "QQ1"}')" "400"

# --- statistics: suppressed by default, exact when asked
eq "stats" "$(api "$BUR" GET "/api/v1/stats?from=$today&to=$today&by=school")" "200"
eq "stats total" "$(body .total)" "3"
eq "small counts hidden by default" "$(body '[.groups[].cases | tostring] | unique | join(",")')" "x"
api "$BUR" GET "/api/v1/stats?from=$today&to=$today&by=school,category&suppress=0" > /dev/null
eq "exact counts" "$(body '[.groups[].cases] | add')" "3"
check "keys in order" jq -e '.by == ["school","category"]' "$OUT/body"
eq "stats needs dates" "$(api "$BUR" GET /api/v1/stats)" "400"
eq "stats bad key" "$(api "$BUR" GET "/api/v1/stats?from=$today&to=$today&by=pupil")" "400"

# --- nothing a reporter's number
stop
check "no reporter number in any answer" sh -c "! grep -Eq '987123|9871 ?23|0987' '$ALL'"
check "answers were collected" [ "$(wc -c < "$ALL")" -gt 5000 ]
check "no token in the log" sh -c "! grep -q '${BUR#tb_}' '$OUT/serve.log'"
finish
