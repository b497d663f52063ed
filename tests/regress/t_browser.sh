# The dashboard in a real browser: headless Chromium (Debian's chromium,
# driven by playwright-core from npm, tests/browser/dashboard.mjs) logs in,
# filters the urgent case, opens it, acknowledges it, answers the reporter
# checks the timeline, and draws the statistics.  Screenshots go to tests/out/screenshots/.
. tests/regress/lib.sh
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
start
tb inject --from 0987654321 "Có người cầm dao <script>alert(1)</script> đánh nhau ở cổng trường THCS Mỹ Phú, cứu" > /dev/null
tb inject --from 0987654322 "bạn Lan lớp 6 bị trêu chọc hoài" > /dev/null
wait_for "two cases" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
code=$(tb reports --json | jq -r 'select(.urgent) | .code')
shots=$(dirname "$OUT")/screenshots
rm -rf "$shots"
if ! SENDER_DIGITS=98765432 CHROMIUM=$CHROMIUM timeout 120 \
    node tests/browser/dashboard.mjs "http://$(http_addr)" lan mat-khau-bureau-1 \
    "$code" "$shots" > "$OUT/browser.log" 2>&1; then
	fail "browser: $(grep FAIL "$OUT/browser.log" || tail -n 5 "$OUT/browser.log")"
fi
eq "acknowledged in the database" "$(tb show "$code" --json | jq -r .status)" "acknowledged"
wait_count "the reply went out" "SELECT 1 FROM outbox WHERE kind='relay' AND status='sent'" 1
eq "five screenshots" "$(ls "$shots"/*.png 2>/dev/null | wc -l)" "5"
finish
