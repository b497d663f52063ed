# `tinbao backup FILE` copies the live database while the gateway writes,
# and the copy is a complete tinbao database (restore: stop, copy back).
. tests/regress/lib.sh
setup
start
for i in 1 2 3; do
	tb inject --from "+8498720000$i" "Báo cáo số $i: có bạn bị bắt nạt ở trường" > /dev/null
done
wait_for "three cases" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
tb backup "$OUT/copy.db" > /dev/null || fail "backup"
eq "backup mode" "$(stat -c %a "$OUT/copy.db")" "600"
eq "integrity" "$(sqlite3 "$OUT/copy.db" 'PRAGMA integrity_check')" "ok"
eq "cases in the copy" "$(sqlite3 "$OUT/copy.db" 'SELECT count(*) FROM cases')" "3"
stop
# Restore into a new place: the copy serves as the database.
sed "s|^database = .*|database = copy.db|" "$CONF" > "$OUT/restored.conf"
eq "restored" "$("$TINBAO" -c "$OUT/restored.conf" reports --json | wc -l)" "3"
eq "restored check" "$("$TINBAO" -c "$OUT/restored.conf" check-config)" "ok"
finish
