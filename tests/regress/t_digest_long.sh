# A digest longer than one SMS (issue 15): split at case codes into at most
# three SMS of 160 GSM-7 characters, every code whole and listed once, the
# rest counted and pointed to the dashboard; a school with cases and no
# principal in the directory is named to the Bureau.
DIGEST_TIME=00:00
. tests/regress/lib.sh
setup
directory
today=$(date +%Y-%m-%d)
sql "INSERT INTO meta (k, v) VALUES ('digest_last', '$today')"
start

i=1
while [ $i -le 70 ]; do
	tb inject --from "09875$(printf %05d $i)" "Bạn lớp 6 trường THCS Mỹ Phú bị trêu chọc, giấu dép, lần thứ $i" > /dev/null
	i=$((i + 1))
done
for i in 1 2 3; do
	tb inject --from "0987600$i" "Bạn lớp 10 trường THPT Thủ Thừa bị trêu chọc, giấu xe đạp, lần $i" > /dev/null
done
WAIT=60 wait_for "73 cases" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 73 ]"
eq "not urgent" "$(count "SELECT 1 FROM cases WHERE urgent = 0")" "73"
eq "TT3's three" "$(count "SELECT 1 FROM cases WHERE school = 'TT3'")" "3"

stop
sql "DELETE FROM meta WHERE k = 'digest_last'"
start
wait_count "digests" "SELECT 1 FROM outbox WHERE kind='digest'" 7
sleep 1
mp2=$(sql "SELECT text FROM outbox WHERE kind='digest' AND number='+84911100006' ORDER BY id")
eq "the principal's digest: three SMS" "$(printf '%s\n' "$mp2" | wc -l)" "3"
printf '%s\n' "$mp2" | while IFS= read -r line; do
	[ "$(printf %s "$line" | wc -c)" -le 160 ] || echo "too long: $line"
done > "$OUT/long"
eq "each one SMS" "$(cat "$OUT/long")" ""
listed=$(printf '%s\n' "$mp2" | sed 's/ va .*//; s/^[^:]*tiep://; s/^TINBAO[^:]*:[^:]*://' | tr ' ' '\n' | grep -c .)
left=$(printf '%s\n' "$mp2" | sed -n 's/.* va \([0-9]*\) ho so nua: xem trang quan ly\./\1/p')
eq "listed and counted: all 70 ($listed + $left)" "$((listed + left))" "70"
for c in $(printf '%s\n' "$mp2" | sed 's/ va .*//; s/^[^:]*tiep://; s/^TINBAO[^:]*:[^:]*://'); do
	eq "code $c whole" "$(count "SELECT 1 FROM cases WHERE code = '$c' AND school = 'MP2'")" "1"
done
bureau=$(sql "SELECT text FROM outbox WHERE kind='digest' AND number='+84911100009' ORDER BY id")
check "the Bureau told of TT3 ($bureau)" sh -c "printf %s \"\$1\" | grep -q 'chua co hieu truong.*TT3 (3)'" _ "$bureau"
check "the log too" grep -q "digest school=TT3 cases=3: no principal" "$OUT/serve.log"
finish
