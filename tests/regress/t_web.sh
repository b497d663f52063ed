# The dashboard over HTTP, as a browser without JavaScript uses it: an
# unauthenticated request gets only the way to the login page; a wrong
# password fails and the sixth failure in a row is refused without a
# check; login sets an HttpOnly, SameSite=Strict cookie; a POST without the
# session's CSRF token is refused; a bureau user cannot open admin pages;
# acknowledge, reply and close work and are audited; every page escapes a
# report containing <script>; the reporter appears only as an alias.
. tests/regress/lib.sh
setup
directory
printf 'mat-khau-bureau-1\n' > "$OUT/pw.bureau"
printf 'mat-khau-admin-22\n' > "$OUT/pw.admin"
eq "user add" "$(tb user add lan --role bureau --password-file "$OUT/pw.bureau")" "user lan (bureau) created"
tb user add quan --role admin --password-file "$OUT/pw.admin" > /dev/null || fail "admin add"
check "duplicate user refused" sh -c "! \"$TINBAO\" -c \"$CONF\" user add lan --role bureau --password-file \"$OUT/pw.bureau\" 2>/dev/null"
printf 'short\n' > "$OUT/pw.short"
check "short password refused" sh -c "! \"$TINBAO\" -c \"$CONF\" user add x --role bureau --password-file \"$OUT/pw.short\" 2>/dev/null"
check "bad role refused" sh -c "! \"$TINBAO\" -c \"$CONF\" user add y --role police --password-file \"$OUT/pw.bureau\" 2>/dev/null"
check "only a hash is stored" sh -c "sqlite3 '$OUT/tinbao.db' 'SELECT pw_hash FROM users' | grep -q '^.argon2id.v=19' && ! grep -aq mat-khau '$OUT/tinbao.db'"
start
addr=$(http_addr)
base="http://$addr"
SENDER=0987654321
tb inject --from $SENDER "Có người cầm dao <script>alert(1)</script> \"đánh\" nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
code=$(newest)

code_of() {	# curl's status code for a request
	curl -s -o /dev/null -w '%{http_code}' "$@"
}

# Unauthenticated: a redirect to /login and nothing else.
eq "anon /cases" "$(code_of "$base/cases")" "303"
eq "anon redirect target" "$(curl -s -o /dev/null -w '%{redirect_url}' "$base/cases/$code")" "$base/login"
check "anon gets no case data" sh -c "! curl -s '$base/cases/$code' | grep -q '$code'"
eq "anon POST refused" "$(code_of -X POST -d 'text=x' "$base/cases/$code/reply")" "403"
eq "anon audit" "$(code_of "$base/audit")" "303"
eq "login page" "$(code_of "$base/login")" "200"
eq "stylesheet is public" "$(code_of "$base/static/style.css")" "200"

# login JAR NAME PASSWORD: fetches the form (its double-submit token) and
# posts it; prints the status code of the POST.
login() {
	jar=$1
	rm -f "$jar"
	t=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
	curl -s -o "$jar.body" -D "$jar.hdr" -w '%{http_code}' -c "$jar" -b "$jar" \
	    --data-urlencode "csrf=$t" --data-urlencode "name=$2" \
	    --data-urlencode "password=$3" "$base/login"
}
eq "wrong password" "$(login "$OUT/j0" lan wrong-password)" "401"
check "wrong password says so" grep -q 'Sai tên đăng nhập hoặc mật khẩu' "$OUT/j0.body"
eq "unknown user" "$(login "$OUT/j0" nobody whatever-pass)" "401"
# The login form without its token.
eq "login without token" "$(code_of --data 'name=lan&password=mat-khau-bureau-1' "$base/login")" "403"

eq "bureau login" "$(login "$OUT/jb" lan mat-khau-bureau-1)" "303"
check "cookie HttpOnly, SameSite=Strict" sh -c "grep -i '^set-cookie: tb_session=' '$OUT/jb.hdr' | grep -i 'HttpOnly' | grep -qi 'SameSite=Strict'"
check "no session token in the database" sh -c "tok=\$(awk '\$6 == \"tb_session\" {print \$7}' '$OUT/jb'); [ -n \"\$tok\" ] && ! grep -aq \"\$tok\" '$OUT/tinbao.db' '$OUT/tinbao.db-wal'"
B="-b $OUT/jb -c $OUT/jb"

# The list and the case page, escaped, alias only.
curl -s $B "$base/cases" > "$OUT/list.html"
check "list shows the case" grep -q "href=\"/cases/$code\"" "$OUT/list.html"
check "list escapes the report" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$OUT/list.html"
check "no raw script in the list" sh -c "! grep -q '<script>' '$OUT/list.html'"
alias=$(tb show "$code" --json | jq -r .alias)
curl -s $B "$base/cases/$code" > "$OUT/case.html"
eq "case view audited" "$(count "SELECT 1 FROM audit WHERE actor='user:lan' AND action='case.view'")" "1"
check "case page shows the alias" grep -q "NB-" "$OUT/case.html"
check "case page escapes" grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &quot;đánh&quot;' "$OUT/case.html"
check "no raw script on the case page" sh -c "! grep -q '<script>' '$OUT/case.html'"
check "CSP forbids scripts" sh -c "curl -s -D - -o /dev/null $B '$base/cases/$code' | grep -i '^content-security-policy:' | grep -q \"default-src 'none'\""
for p in /cases /cases/$code /gateway "/cases?status=open&category=violence&urgent=1" /stats /directory; do
	curl -s $B "$base$p" > "$OUT/page.html"
	check "no sender number on $p" sh -c "! grep -q 987654321 '$OUT/page.html'"
	check "no raw script on $p" sh -c "! grep -q '<script' '$OUT/page.html'"
done

# Filters and paging.
check "filter closed: empty" sh -c "curl -s $B '$base/cases?status=closed' | grep -q 'Không có hồ sơ nào'"
check "filter by school" sh -c "curl -s $B '$base/cases?school=MP2' | grep -q '/cases/$code'"
eq "bad date" "$(code_of $B "$base/cases?from=yesterday")" "400"

csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/case.html" | head -n 1)
check "case page has a CSRF token" [ -n "$csrf" ]
# CSRF: no token, a wrong token: refused, nothing changes.
eq "ack without token" "$(code_of $B -X POST -d x=1 "$base/cases/$code/ack")" "403"
eq "ack with a wrong token" "$(code_of $B --data "csrf=AAAA$csrf" "$base/cases/$code/ack")" "403"
eq "still open" "$(tb show "$code" --json | jq -r .status)" "open"
eq "csrf refusals audited" "$(count "SELECT 1 FROM audit WHERE action='csrf.refused'")" "2"

# A bureau user cannot reach admin pages.
eq "bureau on /audit" "$(code_of $B "$base/audit")" "403"

# Acknowledge, reply, close.
eq "ack" "$(code_of $B --data-urlencode "csrf=$csrf" "$base/cases/$code/ack")" "303"
eq "acknowledged" "$(tb show "$code" --json | jq -r .status)" "acknowledged"
eq "escalation stopped" "$(sql "SELECT esc_at IS NULL FROM cases WHERE code='$code'")" "1"
eq "empty reply refused" "$(code_of $B --data-urlencode "csrf=$csrf" --data-urlencode "text=   " "$base/cases/$code/reply")" "400"
eq "reply" "$(code_of $B --data-urlencode "csrf=$csrf" --data-urlencode "text=Cảm ơn em, công an đã đến trường." "$base/cases/$code/reply")" "303"
wait_count "reply sent to the reporter" "SELECT 1 FROM outbox WHERE kind='relay' AND reporter_id IS NOT NULL AND status='sent' AND text LIKE '%công an đã đến trường%'" 1
eq "close" "$(code_of $B --data-urlencode "csrf=$csrf" --data-urlencode "outcome=Đã xử lý, học sinh an toàn" "$base/cases/$code/close")" "303"
eq "closed" "$(tb show "$code" --json | jq -r .status)" "closed"
eq "no reply to a closed case" "$(code_of $B --data-urlencode "csrf=$csrf" --data-urlencode "text=còn đó không?" "$base/cases/$code/reply")" "409"
curl -s $B "$base/cases/$code?done=close" > "$OUT/case2.html"
check "timeline shows the acknowledgement" grep -q 'đã nhận xử lý' "$OUT/case2.html"
check "timeline shows the reply" grep -q 'công an đã đến trường' "$OUT/case2.html"
check "timeline shows the outcome" grep -q 'Đã xử lý, học sinh an toàn' "$OUT/case2.html"
for a in case.ack case.reply case.close; do
	eq "$a audited" "$(count "SELECT 1 FROM audit WHERE actor='user:lan' AND action='$a'")" "1"
done

# Admin pages for an admin.
eq "admin login" "$(login "$OUT/ja" quan mat-khau-admin-22)" "303"
A="-b $OUT/ja -c $OUT/ja"
eq "admin on /audit" "$(code_of $A "$base/audit")" "200"
check "audit page lists the actions" sh -c "curl -s $A '$base/audit' | grep -q 'case.close'"

# Statistics: one case, exact on the officer's screen by default (said so),
# hidden below 5 when asked; a chart drawn by the server; the CSV, which
# leaves the office, hides below 5 always.
today=$(date +%Y-%m-%d)
curl -s $B "$base/stats?from=$today&to=$today&by=school" > "$OUT/stats-exact.html"
check "stats: exact on the officer's screen" grep -q '<td class="n">1</td>' "$OUT/stats-exact.html"
check "stats: the page says so" grep -q 'id="suppress-note">Số chính xác' "$OUT/stats-exact.html"
curl -s $B "$base/stats?from=$today&to=$today&by=school&suppress=5" > "$OUT/stats.html"
check "stats: the chart is an SVG" grep -q '<svg id="chart"' "$OUT/stats.html"
check "stats: the small count is hidden" grep -q '<td class="n">x</td>' "$OUT/stats.html"
check "stats: the total" grep -q '<td class="n" id="total">1</td>' "$OUT/stats.html"
curl -s $B "$base/stats?from=$today&to=$today&by=school,category&suppress=0" > "$OUT/stats0.html"
check "stats: exact when asked" sh -c "grep -q '<td>MP2</td><td>Bạo lực</td><td class=\"n\">1</td>' '$OUT/stats0.html'"
check "stats: a bar for it" grep -q '<rect class="bar"' "$OUT/stats0.html"
curl -s -D "$OUT/csv.hdr" $B "$base/stats.csv?from=$today&to=$today&by=school" > "$OUT/stats.csv"
check "csv: content type" grep -qi '^content-type: text/csv' "$OUT/csv.hdr"
check "csv: hidden below 5" sh -c "grep -q '^MP2,x,x' '$OUT/stats.csv' && grep -q '^total,1' '$OUT/stats.csv'"
eq "csv: hidden even when asked for exact counts" "$(curl -s $B "$base/stats.csv?from=$today&to=$today&by=school&suppress=0" | tr -d '\r' | grep '^MP2')" "MP2,x,x"
eq "csv: the same as tinbao stats" "$(tr -d '\r' < "$OUT/stats.csv")" "$(tb stats --from "$today" --to "$today" --by school --format csv --suppress 5 | tr -d '\r')"
eq "stats: a bad date" "$(code_of $B "$base/stats?from=2026-02-30")" "400"
eq "stats views audited" "$(count "SELECT 1 FROM audit WHERE action IN ('stats.view', 'stats.export')")" "6"

# The directory: read by the bureau, edited by admins with the import's
# checks; a PIN is never shown.
check "bureau reads the directory" sh -c "curl -s $B '$base/directory' | grep -q 'THCS Mỹ Phú'"
check "bureau sees no edit form" sh -c "! curl -s $B '$base/directory' | grep -q 'action=\"/directory/school\"'"
eq "bureau cannot edit" "$(code_of $B --data-urlencode "csrf=$csrf" --data 'code=ZZ1&name=X&level=TH' "$base/directory/school")" "403"
curl -s $A "$base/directory" > "$OUT/dir.html"
acsrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/dir.html" | head -n 1)
check "admin sees the forms" grep -q 'action="/directory/contact"' "$OUT/dir.html"
check "no PIN on the page" sh -c "! grep -q 4821 '$OUT/dir.html'"
eq "admin adds a school" "$(code_of $A --data-urlencode "csrf=$acsrf" --data-urlencode 'code=ZZ1' --data-urlencode 'name=Trường Tiểu học Thử <b>' --data-urlencode 'commune=Mỹ Phú' --data-urlencode 'level=TH' "$base/directory/school")" "303"
eq "the school is stored" "$(sql "SELECT name || '|' || level FROM schools WHERE code='ZZ1'")" "Trường Tiểu học Thử <b>|TH"
check "and shown escaped" sh -c "curl -s $A '$base/directory' | grep -q 'Thử &lt;b&gt;'"
eq "a bad level is refused" "$(code_of $A --data-urlencode "csrf=$acsrf" --data 'code=ZZ2&name=X&level=XYZ' "$base/directory/school")" "400"
eq "nothing stored" "$(count "SELECT 1 FROM schools WHERE code='ZZ2'")" "0"
eq "admin adds a contact" "$(code_of $A --data-urlencode "csrf=$acsrf" --data-urlencode 'name=Trung úy Thử' --data-urlencode 'phone=0911199999' --data-urlencode 'role=police' --data-urlencode 'commune=Mỹ Phú' --data-urlencode 'level=1' "$base/directory/contact")" "303"
eq "the contact is stored in E.164" "$(sql "SELECT role FROM contacts WHERE phone='+84911199999'")" "police"
bad=$(printf 'code,name,commune,level\nZZ3,Trường Ba,Mỹ Phú,TH\nZZ4,Trường Bốn,Mỹ Phú,XYZ\n')
curl -s -o "$OUT/imp.html" -w '%{http_code}' $A --data-urlencode "csrf=$acsrf" --data 'kind=schools' --data-urlencode "csv=$bad" "$base/directory/import" > "$OUT/imp.code"
eq "a CSV with a bad row is refused" "$(cat "$OUT/imp.code")" "400"
check "the bad row's line is named" grep -q 'Dòng 3: level' "$OUT/imp.html"
eq "all or nothing" "$(count "SELECT 1 FROM schools WHERE code IN ('ZZ3', 'ZZ4')")" "0"
good=$(printf 'code,name,commune,level\nZZ3,Trường Ba,Mỹ Phú,TH\nZZ4,Trường Bốn,Mỹ Phú,THCS\n')
eq "a good CSV is imported" "$(code_of $A --data-urlencode "csrf=$acsrf" --data 'kind=schools' --data-urlencode "csv=$good" "$base/directory/import")" "303"
eq "both rows" "$(count "SELECT 1 FROM schools WHERE code IN ('ZZ3', 'ZZ4')")" "2"
eq "import audited" "$(sql "SELECT detail FROM audit WHERE action='directory.import'")" "schools rows=2"
eq "directory edits audited" "$(count "SELECT 1 FROM audit WHERE actor='user:quan' AND action IN ('school.upsert', 'contact.upsert')")" "2"

# The command line's views are audited too.
before=$(count "SELECT 1 FROM audit WHERE actor LIKE 'cli:%' AND action='case.view'")
tb show "$code" > /dev/null
eq "tinbao show audited" "$(count "SELECT 1 FROM audit WHERE actor LIKE 'cli:%' AND action='case.view'")" "$((before + 1))"

# An expired session is dead: the server checks the expiry it stored.
cp "$OUT/ja" "$OUT/ja.saved"
sql "UPDATE sessions SET expires_at = $(($(date +%s) - 1)) WHERE user_id = (SELECT id FROM users WHERE name = 'quan')"
eq "expired session" "$(code_of -b "$OUT/ja.saved" "$base/cases")" "303"

# Logout ends the session on the server, not only in the browser.
cp "$OUT/jb" "$OUT/jb.saved"
eq "logout" "$(code_of $B --data-urlencode "csrf=$csrf" "$base/logout")" "303"
eq "old cookie is dead" "$(code_of -b "$OUT/jb.saved" "$base/cases")" "303"

# Brute force: after five failures for a name, even the right password is
# refused for a while.
for i in 1 2 3 4 5; do login "$OUT/jx" lan "wrong-$i" > /dev/null; done
eq "locked out" "$(login "$OUT/jx" lan mat-khau-bureau-1)" "429"
check "lockout audited" sh -c "[ \$(sqlite3 '$OUT/tinbao.db' \"SELECT count(*) FROM audit WHERE action='login.blocked'\") -ge 1 ]"
check "failures logged without the password" sh -c "grep -q 'login failed name=lan' '$OUT/serve.log' && ! grep -q 'wrong-1' '$OUT/serve.log'"
stop
check "no sender number in the log" sh -c "! grep -q 987654321 '$OUT/serve.log'"
finish
