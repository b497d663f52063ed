# The Bureau's desk in a real browser (issue 17): headless Chromium
# (tests/browser/desk.mjs, playwright-core) starts on the needs-attention
# page, finds the escalated unacknowledged case first and acknowledges it
# away, corrects a category by triage and sees the statistics follow,
# marks a test message invalid and sees it leave them, opens every page at
# 390x844 with no horizontal overflow, and logs in as a commune account
# that sees only its commune and cannot act.  Screenshots go to
# tests/out/desk-screenshots/ (docs/screenshots/ holds copies for the README).
. tests/regress/lib.sh
ACK_TIMEOUT=2s
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node > /dev/null || { fail "node is not installed (make deps)"; finish; }
[ -x "$CHROMIUM" ] || { fail "$CHROMIUM is not installed (make deps)"; finish; }
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	(cd tests/browser && npm ci --no-audit --no-fund > /dev/null 2>&1) ||
	    { fail "npm ci in tests/browser failed"; finish; }
fi
setup
directory
printf 'mat-khau-bureau-1\n' > "$OUT/pw"
tb user add lan --role bureau --password-file "$OUT/pw" > /dev/null || fail "user add"
tb user add myphu --role commune --commune 'Mỹ Phú' --password-file "$OUT/pw" > /dev/null || fail "user add commune"
start
n=0
mk() {	# mk VAR TEXT: injects a report, sets VAR to its code
	n=$((n + 1))
	tb inject --from "09876000$((10 + n))" "$2" > /dev/null
	wait_for "case $n" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq $n ]"
	eval "$1=\$(newest)"
}
mk quiet "Bạn Lan lớp 6 bị bắt nạt ở trường Tiểu học Nhị Thành, các bạn trêu chọc hoài"
mk other "Em bị các bạn bắt nạt, chế ảnh trên nhóm lớp ở trường THCS Nhị Thành"
mk test_case "thu nghiem tin nhan 123"
mk urgent "Có người cầm dao đánh nhau ở cổng trường THCS Mỹ Phú, cứu"
wait_for "the urgent case escalated to level 2" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$OUT/tinbao.db' \"SELECT esc_step FROM cases WHERE code='$urgent'\")\" -ge 2 ]"
shots=$(dirname "$OUT")/desk-screenshots
rm -rf "$shots"
if ! CHROMIUM=$CHROMIUM timeout 180 node tests/browser/desk.mjs \
    "http://$(http_addr)" lan mat-khau-bureau-1 "$urgent" "$quiet" \
    "$test_case" myphu "$shots" > "$OUT/browser.log" 2>&1; then
	fail "browser: $(grep FAIL "$OUT/browser.log" || tail -n 5 "$OUT/browser.log")"
fi
eq "acknowledged in the database" "$(tb show "$urgent" --json | jq -r .status)" "acknowledged"
eq "triaged in the database" "$(tb show "$quiet" --json | jq -r .category)" "violence"
eq "excluded in the database" "$(sql "SELECT exclusion FROM cases WHERE code='$test_case'")" "invalid"
eq "eight screenshots" "$(ls "$shots"/*.png 2>/dev/null | wc -l)" "8"
finish
