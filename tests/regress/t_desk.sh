# The Bureau's desk (issue 17) against the real `tinbao serve`: each new
# case action (assign, note, triage, invalid / duplicate, merge, reopen)
# through the API and through the dashboard (triage also through the CLI,
# `tinbao triage`) gives the same state, timeline
# events and audit rows (caseact.c, one rule for every door); the refusals
# (an unknown user, a missing or self other case, a bad category or school,
# any action but reopen on a closed case, reopen of an open one) change
# nothing; triage's corrected category and an invalid case change the
# statistics; notes are never sent; the needs-attention page lists an
# escalated unacknowledged case first with its level, then the untriaged,
# then the officer's own, and its count is in the menu and the title; the
# timeline reads as Vietnamese sentences with the detail folded.
. tests/regress/lib.sh
ACK_TIMEOUT=2s
setup
directory
printf 'mat-khau-bureau-1\n' > "$OUT/pw"
tb user add lan --role bureau --password-file "$OUT/pw" > /dev/null || fail "user add lan"
tb user add minh --role bureau --password-file "$OUT/pw" > /dev/null || fail "user add minh"
TOK=$(tb token add script --role bureau 2> /dev/null) || fail "token add"
start
base="http://$(http_addr)"

n=0
mk() {	# mk VAR TEXT: injects a report, sets VAR to its code
	n=$((n + 1))
	tb inject --from "09874000$((10 + n))" "$2" > /dev/null
	wait_for "case $n" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq $n ]"
	eval "$1=\$(newest)"
}
URGENT_TEXT="Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu"
QUIET_TEXT="Bạn em bị bắt nạt ở trường Tiểu học Nhị Thành"
for d in api web; do
	for k in A B C D E F; do
		mk "$k$d" "$QUIET_TEXT lần $k $d"
	done
done
mk Tcli "$QUIET_TEXT lần T cli"
mk Tapi "$QUIET_TEXT lần T api"
mk Tweb "$QUIET_TEXT lần T web"
mk U "$URGENT_TEXT"
wait_for "U escalated to level 2" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT esc_step FROM cases WHERE code='$U'\")\" -ge 2 ]"

# --- the API's door
door_api() {	# door_api ACTION CODE JSON: the HTTP status on stdout
	curl -s -o "$OUT/api.json" -w '%{http_code}' -X POST \
	    -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
	    --data-binary "$3" "$base/api/v1/cases/$2/$1"
}
# --- the dashboard's door
jar=$OUT/jar
t=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
eq "login" "$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "csrf=$t" --data-urlencode name=lan --data-urlencode password=mat-khau-bureau-1 "$base/login")" "303"
csrf=$(curl -s -b "$jar" -c "$jar" "$base/cases/$Aweb" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$csrf" ] || fail "no CSRF token on the case page"
door_web() {	# door_web ACTION CODE [FIELD=VALUE ...]: the HTTP status
	a=$1; c=$2; shift 2
	for f in "$@"; do set -- "$@" --data-urlencode "$f"; shift; done
	curl -s -o "$OUT/web.html" -w '%{http_code}' -b "$jar" -c "$jar" \
	    --data-urlencode "csrf=$csrf" "$@" "$base/cases/$c/$a"
}

# sig CODE: what the desk's actions leave on a case, whichever door.
sig() {
	id="(SELECT id FROM cases WHERE code='$1')"
	printf '%s|%s|%s|%s|%s|%s|%s|%s' \
	    "$(sql "SELECT status || ',' || category || ',' || urgent || ',' || coalesce(school, '-') || ',' || coalesce(assigned_to, '-') || ',' || coalesce(exclusion, '-') FROM cases WHERE id=$id")" \
	    "$(sql "SELECT coalesce((SELECT count(*) FROM cases d WHERE d.id = (SELECT duplicate_of FROM cases WHERE id=$id)), 0)")" \
	    "$(sql "SELECT coalesce(state || ',' || how, '-') FROM triage WHERE case_id=$id")" \
	    "$(sql "SELECT group_concat(type, ',') FROM (SELECT type FROM events WHERE case_id=$id AND type IN ('assigned', 'note', 'triaged', 'school_set', 'marked_invalid', 'marked_duplicate', 'merged_into', 'merged_from', 'reopened') ORDER BY id)")" \
	    "$(sql "SELECT group_concat(action, ',') FROM (SELECT action FROM audit WHERE case_id=$id AND action LIKE 'case.%' AND action <> 'case.view' ORDER BY id)")" \
	    "$(count "SELECT 1 FROM notes WHERE case_id=$id")" \
	    "$(count "SELECT 1 FROM outbox WHERE case_id=$id AND kind NOT IN ('alert', 'ack')")" \
	    "$(sql "SELECT coalesce(outcome, '') FROM cases WHERE id=$id")"
}
before_stats=$(tb stats --from 2000-01-01 --to 2100-01-01 --by category --format json)

# The same steps through each door.
for d in api web; do
	A=$(eval echo \$A$d); B=$(eval echo \$B$d); C=$(eval echo \$C$d)
	D=$(eval echo \$D$d); E=$(eval echo \$E$d); F=$(eval echo \$F$d)
	if [ $d = api ]; then
		eq "$d assign" "$(door_api assign $A '{"user":"minh"}')" "200"
		eq "$d assign answer" "$(jq -r .assigned_to "$OUT/api.json")" "minh"
		eq "$d assign unknown user" "$(door_api assign $B '{"user":"nobody"}')" "400"
		eq "$d assign needs a user" "$(door_api assign $B '{}')" "400"
		eq "$d note" "$(door_api note $A '{"text":"Đã gọi hiệu trưởng, chiều nay gặp"}')" "200"
		eq "$d empty note" "$(door_api note $A '{"text":"  "}')" "400"
		eq "$d triage" "$(door_api triage $B '{"category":"violence","school":"none","urgent":false}')" "200"
		eq "$d triage answer" "$(jq -r '.category + "," + (.school // "none")' "$OUT/api.json")" "violence,none"
		eq "$d triage bad category" "$(door_api triage $C '{"category":"weather"}')" "400"
		eq "$d triage bad school" "$(door_api triage $C '{"school":"NOPE"}')" "400"
		eq "$d triage urgent not a boolean" "$(door_api triage $C '{"urgent":"yes"}')" "400"
		eq "$d invalid" "$(door_api invalid $C '{"reason":"tin thử"}')" "200"
		eq "$d invalid answer" "$(jq -r '.status + "," + .excluded' "$OUT/api.json")" "closed,invalid"
		eq "$d duplicate of itself" "$(door_api invalid $D "{\"duplicate_of\":\"$D\"}")" "400"
		eq "$d duplicate" "$(door_api invalid $D "{\"duplicate_of\":\"$A\"}")" "200"
		eq "$d duplicate answer" "$(jq -r '.excluded + "," + .duplicate_of' "$OUT/api.json")" "duplicate,$A"
		eq "$d merge into a closed case" "$(door_api merge $E "{\"into\":\"$C\"}")" "400"
		eq "$d merge" "$(door_api merge $E "{\"into\":\"$A\"}")" "200"
		eq "$d note on a closed case" "$(door_api note $C '{"text":"x"}')" "409"
		eq "$d reopen an open case" "$(door_api reopen $F '{}')" "409"
		eq "$d reopen" "$(door_api reopen $C '{"reason":"nhầm"}')" "200"
		eq "$d reopen answer" "$(jq -r '.status + "," + (.excluded // "-")' "$OUT/api.json")" "acknowledged,-"
		eq "$d reopen twice" "$(door_api reopen $C '{}')" "409"
	else
		eq "$d assign" "$(door_web assign $A user=minh)" "303"
		eq "$d assign unknown user" "$(door_web assign $B user=nobody)" "400"
		eq "$d assign needs a user" "$(door_web assign $B)" "400"
		eq "$d note" "$(door_web note $A 'text=Đã gọi hiệu trưởng, chiều nay gặp')" "303"
		eq "$d empty note" "$(door_web note $A 'text=  ')" "400"
		eq "$d triage" "$(door_web triage $B category=violence school=none urgent=0)" "303"
		eq "$d triage bad category" "$(door_web triage $C category=weather)" "400"
		eq "$d triage bad school" "$(door_web triage $C school=NOPE)" "400"
		eq "$d triage urgent not a boolean" "$(door_web triage $C urgent=yes)" "400"
		eq "$d invalid" "$(door_web invalid $C 'reason=tin thử')" "303"
		eq "$d duplicate of itself" "$(door_web invalid $D duplicate_of=$D)" "400"
		eq "$d duplicate" "$(door_web invalid $D duplicate_of=$A)" "303"
		eq "$d merge into a closed case" "$(door_web merge $E into=$C)" "400"
		eq "$d merge" "$(door_web merge $E into=$A)" "303"
		eq "$d note on a closed case" "$(door_web note $C text=x)" "409"
		eq "$d reopen an open case" "$(door_web reopen $F)" "409"
		eq "$d reopen" "$(door_web reopen $C 'reason=nhầm')" "303"
		eq "$d reopen twice" "$(door_web reopen $C)" "409"
	fi
done
for k in A B C D E F; do
	sa=$(sig "$(eval echo \$${k}api)"); sw=$(sig "$(eval echo \$${k}web)")
	# The duplicate's and the merge's other case differ by door: both exist.
	eq "case $k: the same state, events and audit through the API and the dashboard" "$sa" "$sw"
done
eq "A: assigned, noted, merged into" "$(sig $Aapi | cut -d'|' -f1,4)" "open,bullying,0,NT1,minh,-|assigned,note,merged_from"
eq "C: reopened, no longer excluded" "$(sig $Capi | cut -d'|' -f1,4,8)" "acknowledged,bullying,0,NT1,-,-|marked_invalid,reopened|"
eq "D: duplicate, closed" "$(sig $Dapi | cut -d'|' -f1,2)" "closed,bullying,0,NT1,-,duplicate|1"
eq "E: merged" "$(sig $Eapi | cut -d'|' -f1,4)" "closed,bullying,0,NT1,-,merged|merged_into"
eq "B: triaged by the API, recorded with who" "$(sql "SELECT triaged_by || ',' || how || ',' || class_category || '>' || category FROM triage WHERE case_id=(SELECT id FROM cases WHERE code='$Bapi')")" "token:script,triage,bullying>violence"
eq "B: triaged by the dashboard, recorded with who" "$(sql "SELECT triaged_by FROM triage WHERE case_id=(SELECT id FROM cases WHERE code='$Bweb')")" "user:lan"
# Triage has a third door, the CLI (`tinbao triage`, triage.c's triage_case
# too): the same correction leaves the same state, events and audit rows.
tb triage $Tcli --category violence --urgent no > /dev/null || fail "tinbao triage"
eq "triage through the API" "$(door_api triage $Tapi '{"category":"violence","urgent":false}')" "200"
eq "triage through the dashboard" "$(door_web triage $Tweb category=violence urgent=0)" "303"
tsig() { sig "$1" | cut -d'|' -f1,2,4,5,6,7; sql "SELECT state || ',' || how || ',' || class_category || '>' || category FROM triage WHERE case_id=(SELECT id FROM cases WHERE code='$1')"; }
eq "triage: the CLI and the API agree" "$(tsig $Tcli)" "$(tsig $Tapi)"
eq "triage: the API and the dashboard agree" "$(tsig $Tapi)" "$(tsig $Tweb)"

# Triage corrects a closed case for the record: no alert.
eq "triage a closed case" "$(door_api triage $Dapi '{"urgent":true}')" "200"
eq "a closed case made urgent is not alerted" "$(count "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code = '$Dapi' AND o.kind = 'alert'")" "0"
eq "its triage in the answer" "$(jq -r '.triage + "," + .triaged_by + "," + (.urgent | tostring)' "$OUT/api.json")" "triaged,token:script,true"
eq "notes are never sent" "$(count "SELECT 1 FROM outbox WHERE text LIKE '%hiệu trưởng, chiều nay%'")" "0"
eq "no SMS to the reporters of the invalid, duplicate and merged cases" "$(count "SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.code IN ('$Dapi', '$Eapi', '$Dweb', '$Eweb') AND o.kind <> 'ack'")" "0"

# --- statistics: the corrected category counts; invalid, duplicate, merged do not
after_stats=$(tb stats --from 2000-01-01 --to 2100-01-01 --by category --format json)
cnt() { printf '%s' "$1" | jq -r "[.. | objects | select(.category? == \"$2\") | .cases? // .count? // empty] | add // 0"; }
printf '%s\n%s\n' "$before_stats" "$after_stats" > "$OUT/stats.json"
eq "bullying before" "$(cnt "$before_stats" bullying)" "15"
# 15 bullying: B and T (x2, x3) now violence, D and E (x2) excluded: 6 left.
eq "bullying after" "$(cnt "$after_stats" bullying)" "6"
eq "violence after: the urgent one and the five triaged" "$(cnt "$after_stats" violence)" "6"

# --- the needs-attention page
part() {	# part FILE ID: the part's heading and table, on one line
	sed 's/<h2>/\n<h2>/g' "$1" | grep "id=\"attn-$2\"" | sed 's/<\/table>.*/<\/table>/'
}
curl -s -b "$jar" -c "$jar" "$base/attention" > "$OUT/attention.html"
eq "the escalated urgent case is the first part's only case" "$(part "$OUT/attention.html" urgent | grep -o 'data-code="[A-Z0-9]*"')" "data-code=\"$U\""
part "$OUT/attention.html" urgent > "$OUT/part-urgent.html"
part "$OUT/attention.html" untriaged > "$OUT/part-untriaged.html"
check "with its level" grep -q 'class="level">cấp [23]<' "$OUT/part-urgent.html"
check "the untriaged part lists an untriaged case" grep -q "data-code=\"$Fapi\"" "$OUT/part-untriaged.html"
eq "the classifier's confidence is kept" "$(sql "SELECT confidence > 0 AND confidence <= 1 FROM cases WHERE code='$Fapi'")" "1"
eq "untriaged: other first, then the least sure, then the oldest" \
    "$(part "$OUT/attention.html" untriaged | grep -o 'data-code="[A-Z0-9]*"' | sed 's/.*="\(.*\)"/\1/' | tr '\n' ' ')" \
    "$(sql "SELECT c.code FROM cases c JOIN triage t ON t.case_id = c.id WHERE t.state = 'untriaged' AND c.status <> 'closed' AND NOT (c.status = 'open' AND c.urgent <> 0) ORDER BY c.category = 'other' DESC, COALESCE(c.confidence, 1), c.created_at, c.id" | tr '\n' ' ')"
check "a triaged case is not untriaged" sh -c "! grep -q 'data-code=\"$Bapi\"' '$OUT/attention.html'"
check "the page reloads itself" grep -q 'http-equiv="refresh"' "$OUT/attention.html"
check "no script on the page" sh -c "! grep -q '<script' '$OUT/attention.html'"
want=$(sql "SELECT count(*) FROM cases c LEFT JOIN triage t ON t.case_id = c.id WHERE (c.status = 'open' AND c.urgent <> 0) OR (t.state = 'untriaged' AND c.status <> 'closed') OR (c.assigned_to = 'lan' AND c.status <> 'closed')")
eq "the count in the menu" "$(sed -n 's/.*id="attention-count"[^>]*>\([0-9]*\)<.*/\1/p' "$OUT/attention.html")" "$want"
eq "the count in the title" "$(sed -n 's/.*<title>(\([0-9]*\)) .*/\1/p' "$OUT/attention.html")" "$want"
eq "the home page is the needs-attention page" "$(curl -s -o /dev/null -w '%{redirect_url}' -b "$jar" "$base/")" "$base/attention"
# Assigned to lan, triaged: listed under "mine".
door_web assign $Fweb user=lan > /dev/null
door_web triage $Fweb > /dev/null
curl -s -b "$jar" -c "$jar" "$base/attention" > "$OUT/attention2.html"
part "$OUT/attention2.html" mine > "$OUT/part-mine.html"
part "$OUT/attention2.html" untriaged > "$OUT/part-untriaged2.html"
check "my case is in the third part" grep -q "data-code=\"$Fweb\"" "$OUT/part-mine.html"
check "and only there" sh -c "! grep -q 'data-code=\"$Fweb\"' '$OUT/part-untriaged2.html'"
# Acknowledging from the list takes the case off it.
eq "ack from the list" "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode back=/attention "$base/cases/$U/ack")" "303 $base/attention"
curl -s -b "$jar" -c "$jar" "$base/attention" > "$OUT/attention3.html"
check "the acknowledged case left the list" sh -c "! grep -q 'data-code=\"$U\"' '$OUT/attention3.html'"

# --- the readable timeline
curl -s -b "$jar" "$base/cases/$U" > "$OUT/u.html"
check "timeline: the alert as a sentence" grep -q 'Đã nhắn cảnh báo cho Trung úy Lê Văn Phú (Công an)' "$OUT/u.html"
check "timeline: the escalation as a sentence" grep -q 'Chưa ai nhận — chuyển lên cấp 2' "$OUT/u.html"
check "timeline: who acknowledged" grep -q 'Cán bộ lan đã nhận xử lý' "$OUT/u.html"
check "timeline: the detail folded" grep -q '<details><summary>Chi tiết</summary><pre>[^<]*alert_queued step=1' "$OUT/u.html"
check "timeline: no bare technical line" sh -c "! grep -q 'data-type=\"alert_queued\"' '$OUT/u.html'"
curl -s -b "$jar" "$base/cases/$Aweb" > "$OUT/a.html"
check "timeline: the note" grep -q 'Cán bộ lan ghi chú (nội bộ): <q>Đã gọi hiệu trưởng' "$OUT/a.html"
check "timeline: the assignment" grep -q 'Cán bộ lan giao hồ sơ cho minh' "$OUT/a.html"
check "timeline: the merge" grep -q "gộp hồ sơ $Eweb vào đây" "$OUT/a.html"

# --- the filters, parsed once (casefilter.c) for the dashboard and the API
codes_api() {	# codes_api QUERY: the codes the API lists, sorted
	curl -s -H "Authorization: Bearer $TOK" "$base/api/v1/cases?limit=200&$1" | jq -r '.cases[].code' | sort | tr '\n' ' '
}
codes_web() {	# codes_web QUERY: the codes the dashboard lists, sorted
	curl -s -b "$jar" "$base/cases?$1" | grep -o 'href="/cases/[A-Z0-9]*"' | sed 's/.*cases\/\([A-Z0-9]*\)"/\1/' | sort -u | tr '\n' ' '
}
same() {	# same WHAT QUERY EXPECTED-CODES
	eq "filter $1 (API)" "$(codes_api "$2")" "$3"
	eq "filter $1 (dashboard)" "$(codes_web "$2")" "$3"
}
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' '; }
same "q without accents finds the accented report" "q=dao%20danh%20nhau" "$(sorted $U)"
same "q with accents too" "q=c%E1%BA%A7m%20dao" "$(sorted $U)"
same "q over the notes" "q=hieu%20truong%20chieu" "$(sorted $Aapi $Aweb)"
same "q a word prefix (ap: api)" "q=lan%20ap" "$(sorted $Aapi $Bapi $Capi $Dapi $Eapi $Fapi $Tapi)"
same "q nothing" "q=xyzzy" ""
same "assigned" "assigned=minh" "$(sorted $Aapi $Aweb)"
same "level 2 reached" "level=2" "$(sorted $U)"
same "commune" "commune=M%E1%BB%B9%20Ph%C3%BA" "$(sorted $U)"
same "untriaged and open" "triage=untriaged&status=open" "$(sorted $Aapi $Aweb $Fapi)"
same "triaged (the urgent one by its acknowledgement)" "triage=triaged&category=violence" "$(sorted $Bapi $Bweb $Tcli $Tapi $Tweb $U)"
for bad in level=0 level=x triage=maybe "q=$(head -c 201 /dev/zero | tr '\0' a)"; do
	eq "refused by the API: $bad" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" "$base/api/v1/cases?$bad")" "400"
	eq "refused by the dashboard: $bad" "$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base/cases?$bad")" "400"
done
check "the filters stay in the paging links and the form" sh -c "curl -s -b '$jar' '$base/cases?q=dao&level=1' | grep -q 'name=\"q\" maxlength=\"200\" value=\"dao\"'"

# --- a commune account: its commune's cases, read-only, no text unless shared
eq "commune role needs --commune" "$(tb user add xa --role commune --password-file "$OUT/pw" > /dev/null 2>&1; echo $?)" "2"
eq "an unknown commune refused" "$(tb user add xa --role commune --commune 'Atlantis' --password-file "$OUT/pw" > /dev/null 2>&1; echo $?)" "2"
eq "--commune only with role commune" "$(tb user add xa --role bureau --commune 'Mỹ Phú' --password-file "$OUT/pw" > /dev/null 2>&1; echo $?)" "2"
tb user add myphu --role commune --commune 'Mỹ Phú' --password-file "$OUT/pw" > /dev/null || fail "user add commune"
eq "the account's commune" "$(sql "SELECT role || ',' || commune FROM users WHERE name='myphu'")" "commune,Mỹ Phú"
cj=$OUT/cjar
t=$(curl -s -c "$cj" -b "$cj" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
eq "commune login" "$(curl -s -o /dev/null -w '%{http_code}' -c "$cj" -b "$cj" --data-urlencode "csrf=$t" --data-urlencode name=myphu --data-urlencode password=mat-khau-bureau-1 "$base/login")" "303"
eq "commune home is its case list" "$(curl -s -o /dev/null -w '%{redirect_url}' -b "$cj" "$base/")" "$base/cases"
curl -s -b "$cj" "$base/cases" > "$OUT/commune-list.html"
eq "commune sees only its commune's cases" "$(grep -o 'href="/cases/[A-Z0-9]*"' "$OUT/commune-list.html" | sed 's/.*cases\/\([A-Z0-9]*\)"/\1/' | sort -u | tr '\n' ' ')" "$U "
check "no report text in the list" sh -c "! grep -q 'cầm dao' '$OUT/commune-list.html'"
eq "another commune's case does not exist" "$(curl -s -o /dev/null -w '%{http_code}' -b "$cj" "$base/cases/$Aapi")" "404"
curl -s -b "$cj" "$base/cases/$U" > "$OUT/commune-case.html"
check "its case: no text before it is shared" sh -c "! grep -q 'cầm dao' '$OUT/commune-case.html' && grep -q 'chưa chia sẻ' '$OUT/commune-case.html'"
check "its case: no timeline, no forms" sh -c "! grep -q 'id=\"timeline\"' '$OUT/commune-case.html' && ! grep -q 'method=\"post\" action=\"/cases' '$OUT/commune-case.html'"
ccsrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/commune-case.html" | head -n 1)
eq "commune cannot act" "$(curl -s -o /dev/null -w '%{http_code}' -b "$cj" --data-urlencode "csrf=$ccsrf" --data-urlencode 'text=x' "$base/cases/$U/note")" "403"
eq "commune cannot close" "$(curl -s -o /dev/null -w '%{http_code}' -b "$cj" --data-urlencode "csrf=$ccsrf" "$base/cases/$U/close")" "403"
for p in /attention /directory /gateway /audit; do
	eq "commune refused $p" "$(curl -s -o /dev/null -w '%{http_code}' -b "$cj" "$base$p")" "403"
done
eq "nothing changed by the commune" "$(count "SELECT 1 FROM audit WHERE actor='user:myphu' AND action LIKE 'case.%' AND action <> 'case.view'")" "0"
eq "refusals audited" "$(count "SELECT 1 FROM audit WHERE actor='user:myphu' AND action='denied'")" "6"
eq "no search over texts it may not read" "$(curl -s -b "$cj" "$base/cases?q=xyzzy" | grep -o 'href="/cases/[A-Z0-9]*"' | sort -u | wc -l)" "1"
curl -s -b "$cj" "$base/stats?by=school&suppress=0" > "$OUT/commune-stats.html"
check "commune statistics: its schools only" sh -c "grep -q '<td>MP2</td>' '$OUT/commune-stats.html' && ! grep -q '<td>NT1</td>' '$OUT/commune-stats.html'"
check "commune statistics: small counts hidden even when asked" grep -q '<td class="n">x</td>' "$OUT/commune-stats.html"
check "commune statistics: said on the page" grep -q 'id="suppress-note">Chỉ các trường của xã Mỹ Phú' "$OUT/commune-stats.html"
eq "the Bureau shares it" "$(door_api share $U '')" "200"
curl -s -b "$cj" "$base/cases/$U" > "$OUT/commune-case2.html"
check "shared: the text shows" grep -q 'cầm dao' "$OUT/commune-case2.html"
check "shared: on the Bureau's timeline" sh -c "curl -s -b '$jar' '$base/cases/$U' | grep -q 'chia sẻ nội dung với tài khoản xã'"

# --- the audit: every action with its actor
eq "API actions audited as the token" "$(count "SELECT 1 FROM audit WHERE actor='token:script' AND action IN ('case.assign', 'case.note', 'case.triage', 'case.invalid', 'case.merge', 'case.reopen')")" "9"
finish
