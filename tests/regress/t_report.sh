# tinbao report: the periodic report upward for a fixed data set, checked
# against golden files (tests/regress/golden/report-2026-10.{csv,html}):
# the period's first and last seconds in, the seconds around it out, the
# previous month's counts and the change, small counts and their
# complements hidden; the presets' dates (a month, HK1 and HK2 from
# [report], a school year, --from/--to); the XLSX opened with python3's
# zipfile (sheet names, cells, frozen header row); section V, the
# schools' plans and models for the school year; no word a reporter
# wrote anywhere; and the dashboard's page and downloads, audited.
# Regenerate the golden files with TINBAO_GOLDEN_UPDATE=1 after a
# deliberate change, and read the diff.
. tests/regress/lib.sh
TZ=ICT-7
export TZ
setup
cat >> "$CONF" <<EOC

[report]
hk1_end = 01-10
EOC
directory
GOLDEN=$(pwd)/tests/regress/golden

n=0
# addcase CATEGORY URGENT SCHOOL|NULL 'YYYY-MM-DD HH:MM:SS' STATUS [ACK_MINUTES]
addcase() {
	n=$((n + 1))
	at=$(date -d "$4" +%s)
	school=$3
	[ "$school" = NULL ] || school="'$school'"
	sql "INSERT INTO cases (code, category, urgent, school, source, text,
	    created_at, updated_at, status) VALUES ('R$n', '$1', $2, $school,
	    'sms', 'bí mật zxqvorpal số $n', $at, $at, '$5')" || fail "insert $n"
	if [ -n "${6:-}" ]; then
		sql "INSERT INTO events (case_id, at, type) SELECT id,
		    created_at + 60 * $6, 'acknowledged' FROM cases
		    WHERE code = 'R$n'" || fail "ack $n"
	fi
}
# October 2026: the first and the last second are in.
addcase violence 1 MP2 "2026-10-01 00:00:00" closed 5
addcase violence 1 MP2 "2026-10-05 10:00:00" closed 10
addcase violence 1 MP2 "2026-10-12 10:00:00" acknowledged 20
addcase violence 1 MP2 "2026-10-20 10:00:00" acknowledged 60
addcase bullying 0 MP2 "2026-10-02 08:00:00" acknowledged 120
addcase bullying 0 MP2 "2026-10-03 08:00:00" open
addcase bullying 0 MP2 "2026-10-04 08:00:00" open
addcase bullying 0 NT1 "2026-10-07 09:00:00" open
addcase drugs 0 NT2 "2026-10-08 09:00:00" open
addcase drugs 0 NT2 "2026-10-09 09:00:00" open
addcase drugs 0 NT2 "2026-10-10 09:00:00" open
addcase drugs 0 NULL "2026-10-31 23:59:59" open
# Out: the next month's first second; the previous month (September).
addcase violence 1 MP2 "2026-11-01 00:00:00" open
addcase violence 1 MP2 "2026-09-30 23:59:59" closed 30
addcase violence 1 MP2 "2026-09-10 10:00:00" closed 30
addcase violence 0 MP2 "2026-09-11 10:00:00" closed
addcase violence 0 MP2 "2026-09-12 10:00:00" closed
addcase violence 0 MP2 "2026-09-13 10:00:00" closed
addcase drugs 0 NT2 "2026-09-01 00:00:00" closed
# Neither: before the previous month.
addcase theft 0 TT3 "2026-08-31 23:59:59" closed
# Section V: MP2's plan for 2026-2027 is in, with two models; NT2's names
# its own model; the others have sent nothing (not late yet on 5 Nov).
tb plan set MP2 --year 2026-2027 --received 2026-09-20 --models camera,gate \
    --form "Sinh hoạt dưới cờ" > /dev/null || fail "plan MP2"
tb plan set NT2 --year 2026-2027 --models zalo,custom --other "Đội cờ đỏ" \
    > /dev/null || fail "plan NT2"

# golden NAME FILE: FILE must equal the golden file (or replaces it).
golden() {
	if [ -n "${TINBAO_GOLDEN_UPDATE:-}" ]; then
		cp "$2" "$GOLDEN/$1"
		return
	fi
	if ! cmp -s "$2" "$GOLDEN/$1"; then
		diff -u "$GOLDEN/$1" "$2" | head -40 >&2
		fail "$1 differs from the golden file"
	fi
}

R="--period 2026-10 --suppress 3 --date 2026-11-05"
tb report $R --format csv -o "$OUT/r.csv" 2> "$OUT/err" || fail "csv: $(cat "$OUT/err")"
golden report-2026-10.csv "$OUT/r.csv"
tb report $R --format html -o "$OUT/r.html" || fail "html"
golden report-2026-10.html "$OUT/r.html"
tb report $R --format xlsx -o "$OUT/r.xlsx" || fail "xlsx"

# What the golden files hold, said again where a reader checks it.
eq "BOM" "$(head -c 3 "$OUT/r.csv" | od -An -tx1 | tr -d ' ')" "efbbbf"
row() {	# the CSV row of section $1 whose first field is $2
	awk -v s="$1" -v k="$2" 'index($0, s) == 1 { on = 1; next }
	    /^\r?$/ { on = 0 } on && index($0, k ",") == 1 { print; exit }' \
	    "$OUT/r.csv" | tr -d '\r'
}
# Violence: 4, all urgent, median 15 minutes; its 4 acknowledged hidden
# because bullying's 1 is (the total 5 would give it back), its 5 of
# September because drugs' 1 is, and so its change.
eq "violence row" "$(row 'I. ' 'Bạo lực')" "Bạo lực,4,4,x,x,15 phút,x,x"
eq "NT1's single case hidden" "$(row 'III. ' 'NT1')" \
    "NT1,Trường Tiểu học Nhị Thành,Nhị Thành,x,0,0,0,x,0,x"
eq "district total never hidden" "$(row 'I. ' 'Toàn huyện')" \
    "Toàn huyện,12,4,5,2,20 phút,6,+6"
eq "a school without cases: zeros" "$(row 'III. ' 'BT2')" \
    "BT2,Trường THCS Bình Thạnh,Bình Thạnh,0,0,0,0,-,0,0"
eq "a plan not in after the deadline is late" "$(tb report --period 2026-10 --date 2027-02-06 --format csv | grep '^BT2,Trường THCS Bình Thạnh,Bình Thạnh,Chưa' | tr -d '\r')" \
    "BT2,Trường THCS Bình Thạnh,Bình Thạnh,Chưa nhận (quá hạn),-,-"
check "no report text in the CSV, HTML or XLSX" sh -c "! grep -aq zxqvorpal '$OUT/r.csv' '$OUT/r.html' && ! unzip -p '$OUT/r.xlsx' 2>/dev/null | grep -aq zxqvorpal"
check "HTML: signature block" sh -c "grep -q 'Người lập biểu' '$OUT/r.html' && grep -q 'Trưởng phòng' '$OUT/r.html'"
check "HTML: a page break between sections" grep -q '.sec+.sec{break-before:page}' "$OUT/r.html"

# The XLSX, opened as a zip of XML: sheet names, cells, the frozen row.
python3 - "$OUT/r.xlsx" > "$OUT/xlsx.out" 2>&1 <<'EOP' || fail "xlsx check: $(cat "$OUT/xlsx.out")"
import re, sys, zipfile
from xml.etree import ElementTree as ET
NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
z = zipfile.ZipFile(sys.argv[1])
names = [s.get('name') for s in ET.fromstring(z.read('xl/workbook.xml')).iter('{%s}sheet' % NS['m'])]
assert names == ['Thông tin', 'Theo loại', 'Theo xã', 'Theo trường', 'Trường và loại', 'Kế hoạch'], names
shared = [''.join(t.text or '' for t in si.iter('{%s}t' % NS['m'])) for si in ET.fromstring(z.read('xl/sharedStrings.xml'))]
def sheet(i):
    root = ET.fromstring(z.read('xl/worksheets/sheet%d.xml' % i))
    rows = []
    for r in root.iter('{%s}row' % NS['m']):
        cells = []
        for c in r.iter('{%s}c' % NS['m']):
            v = c.find('m:v', NS)
            v = v.text if v is not None else ''
            cells.append(shared[int(v)] if c.get('t') == 's' else v)
        rows.append(cells)
    return root, rows
root, rows = sheet(2)
assert rows[0][:3] == ['Loại vụ việc', 'Số vụ', 'Khẩn cấp'], rows[0]
assert rows[1] == ['Bắt nạt', '4', '0', 'x', '0', '2 giờ', '0', '+4'], rows[1]
assert rows[2][:3] == ['Bạo lực', '4', '4'], rows[2]
assert rows[-1][:2] == ['Toàn huyện', '12'], rows[-1]
pane = root.find('.//m:pane', NS)
assert pane is not None and pane.get('ySplit') == '1' and pane.get('state') == 'frozen'
assert root.find('.//m:cols/m:col', NS).get('width') is not None
root, rows = sheet(4)
assert ['NT1', 'Trường Tiểu học Nhị Thành', 'Nhị Thành', 'x', '0', '0', '0', 'x', '0', 'x'] in rows, rows
root, rows = sheet(6)
assert ['MP2', 'Trường THCS Mỹ Phú', 'Mỹ Phú', 'Đã nhận 20/09/2026', 'Sinh hoạt dưới cờ', 'Camera giám sát; Cổng trường an toàn giao thông'] in rows, rows
assert ['NT2', 'Trường THCS Nhị Thành', 'Nhị Thành', 'Chưa nhận', '-', 'Nhóm Zalo tuyên truyền pháp luật; Đội cờ đỏ'] in rows, rows
root, rows = sheet(1)
assert rows[2] == ['Kỳ báo cáo', 'Tháng 10/2026'], rows[2]
print('ok')
EOP

# The presets' dates: a month, HK1 (its end from [report]), HK2, a year,
# and any range, each with its previous period.
dates() {
	tb report "$@" --format csv | sed -n '3,6p' | tr -d '\r' | tr '\n' ';'
}
eq "month" "$(dates --period 2026-01)" "Kỳ báo cáo,Tháng 01/2026;Từ ngày,01/01/2026;Đến ngày,31/01/2026;Kỳ trước,01/12/2025 - 31/12/2025;"
eq "HK1 from [report]" "$(dates --period 2026-HK1)" "Kỳ báo cáo,Học kỳ I năm học 2026-2027;Từ ngày,01/09/2026;Đến ngày,10/01/2027;Kỳ trước,16/01/2026 - 31/05/2026;"
eq "HK2" "$(dates --period 2026-HK2)" "Kỳ báo cáo,Học kỳ II năm học 2025-2026;Từ ngày,16/01/2026;Đến ngày,31/05/2026;Kỳ trước,01/09/2025 - 10/01/2026;"
eq "school year" "$(dates --period 2025-2026)" "Kỳ báo cáo,Năm học 2025-2026;Từ ngày,01/09/2025;Đến ngày,31/05/2026;Kỳ trước,01/09/2024 - 31/05/2025;"
eq "range" "$(dates --from 2026-10-01 --to 2026-10-31)" "Kỳ báo cáo,Từ 01/10/2026 đến 31/10/2026;Từ ngày,01/10/2026;Đến ngày,31/10/2026;Kỳ trước,31/08/2026 - 30/09/2026;"
check "bad period: exit 2" sh -c "\"$TINBAO\" -c \"$CONF\" report --period 2026-13 2>/dev/null; [ \$? -eq 2 ]"
check "period and range together: exit 2" sh -c "\"$TINBAO\" -c \"$CONF\" report --period 2026-10 --from 2026-10-01 --to 2026-10-02 2>/dev/null; [ \$? -eq 2 ]"
check "xlsx without -o: exit 2" sh -c "\"$TINBAO\" -c \"$CONF\" report --period 2026-10 --format xlsx 2>/dev/null; [ \$? -eq 2 ]"
printf '[tinbao]\ndatabase = x.db\nkeyfile = k\n[report]\nhk2_end = 02-30\n' > "$OUT/bad.conf"
check "a bad [report] date is a config error" sh -c "\"$TINBAO\" -c '$OUT/bad.conf' check-config 2>&1 | grep -q 'hk2_end'"

# The dashboard: the page, its print stylesheet, the downloads (the same
# tables as the CLI's at the configured threshold), audited.
printf 'mat-khau-bureau-1\n' > "$OUT/pw"
tb user add lan --role bureau --password-file "$OUT/pw" > /dev/null || fail "user add"
start
base="http://$(http_addr)"
jar=$OUT/jar
t=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$t" \
    --data-urlencode "name=lan" --data-urlencode "password=mat-khau-bureau-1" "$base/login"
curl -s -b "$jar" "$base/report?period=2026-10" > "$OUT/page.html"
check "page: five sections" sh -c "[ \$(grep -o '<section class=\"sec\"' '$OUT/page.html' | wc -l) -eq 5 ]"
check "page: the print stylesheet" grep -q 'href="/report.css"' "$OUT/page.html"
check "page: no report text" sh -c "! grep -q zxqvorpal '$OUT/page.html'"
check "stylesheet: print rules" sh -c "curl -s -b '$jar' '$base/report.css' | grep -q '@media print'"
curl -s -b "$jar" "$base/report.csv?period=2026-10" | grep -v '^Ngày lập' > "$OUT/web.csv"
tb report --period 2026-10 --format csv | grep -v '^Ngày lập' > "$OUT/cli.csv"
check "web CSV = CLI CSV" cmp -s "$OUT/web.csv" "$OUT/cli.csv"
curl -s -b "$jar" -o "$OUT/web.xlsx" "$base/report.xlsx?from=2026-10-01&to=2026-10-31"
check "web XLSX is a workbook" sh -c "unzip -l '$OUT/web.xlsx' | grep -q xl/workbook.xml"
eq "bad period: 400" "$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base/report?period=2026-99")" "400"
eq "anonymous: to the login page" "$(curl -s -o /dev/null -w '%{http_code}' "$base/report.csv?period=2026-10")" "303"
eq "audited" "$(sql "SELECT count(*) FROM audit WHERE action IN ('report.view', 'report.export') AND actor = 'user:lan'")" "3"
finish
