# The periodic report printed to PDF by a real browser: headless Chromium
# (Debian's chromium, driven by playwright-core, tests/browser/report.mjs)
# logs in, opens /report and prints it; the PDF has at least one page per
# section (the print stylesheet breaks the page before each) and the
# dashboard's header is not on it.  The PDF is kept in tests/out/.
. tests/regress/lib.sh
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node > /dev/null || { fail "node is not installed (make deps)"; finish; }
[ -x "$CHROMIUM" ] || { fail "$CHROMIUM is not installed (make deps)"; finish; }
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	(cd tests/browser && npm ci --no-audit --no-fund > /dev/null 2>&1) ||
	    { fail "npm ci in tests/browser failed"; finish; }
fi
TZ=ICT-7
export TZ
setup
directory
at=$(date -d "2026-10-05 10:00:00" +%s)
for i in 1 2 3 4 5 6; do
	sql "INSERT INTO cases (code, category, urgent, school, source, text,
	    created_at, updated_at) VALUES ('P$i', 'violence', 1, 'MP2', 'sms',
	    'x', $at, $at)" || fail "insert"
done
printf 'mat-khau-bureau-1\n' > "$OUT/pw"
tb user add lan --role bureau --password-file "$OUT/pw" > /dev/null || fail "user add"
start
if ! CHROMIUM=$CHROMIUM timeout 120 node tests/browser/report.mjs \
    "http://$(http_addr)" lan mat-khau-bureau-1 2026-10 "$OUT/report.pdf" \
    > "$OUT/browser.log" 2>&1; then
	fail "browser: $(grep FAIL "$OUT/browser.log" || tail -n 5 "$OUT/browser.log")"
fi
check "a PDF" sh -c "head -c 5 '$OUT/report.pdf' | grep -q '%PDF-'"
# Pages are /Type /Page objects (not /Pages); Chromium writes them plainly.
pages=$(python3 -c 'import re, sys; print(len(re.findall(rb"/Type\s*/Page(?!s)", open(sys.argv[1], "rb").read())))' "$OUT/report.pdf")
check "at least one page per section (5), got $pages" [ "$pages" -ge 5 ]
finish
