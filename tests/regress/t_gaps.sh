# The directory's gaps (SPEC section 6, issue 15): an import that leaves a
# commune with schools and no level-1 police, a school without a
# principal, or one number in two roles succeeds (exit 0, committed, the
# first row of the number kept) and prints a warning per gap; the gaps
# show in /healthz's detail (still 200, no staff number) and on the
# dashboard's directory page.
. tests/regress/lib.sh
setup
tb import schools "$SCHOOLS" > /dev/null 2> "$OUT/schools.err" ||
    fail "import schools"
csv=$OUT/contacts.csv
cp tests/data/contacts.csv "$csv"
printf 'Cô Tư vấn Nhị Thành,0911 100 012,counselor,NT2,,,\n' >> "$csv"
tb import contacts "$csv" > "$OUT/out" 2> "$OUT/err"
eq "exit status" "$?" "0"
check "committed" grep -q "13 contacts imported" "$OUT/out"
eq "the first row kept" "$(sql "SELECT role FROM contacts WHERE phone='+84911100012'")" "principal"
check "two roles warned" grep -q "contacts.csv: warning: number +84911100012 is given two roles (principal (line 13), counselor (line 15))" "$OUT/err"
check "the township has no police" grep -q "warning: commune 'Thị trấn Thủ Thừa' has schools (TT3) and no level-1 police" "$OUT/err"
check "a school without principal" grep -q "warning: school TT3 (Trường THPT Thủ Thừa) has no principal" "$OUT/err"
check "Mỹ Phú has its police" sh -c "! grep -q \"commune 'Mỹ Phú'\" '$OUT/err'"
check "MP2 has its principal" sh -c "! grep -q 'school MP2 ' '$OUT/err'"

start
base="http://$(http_addr)"
curl -s -o "$OUT/healthz" -w '%{http_code}' "$base/healthz" > "$OUT/healthz.code"
eq "healthz still 200" "$(cat "$OUT/healthz.code")" "200"
check "healthz names the township" grep -q "directory gap: commune 'Thị trấn Thủ Thừa'" "$OUT/healthz"
check "healthz names the school" grep -q "directory gap: school TT3" "$OUT/healthz"
check "healthz: two roles, no number" sh -c "grep -q 'directory gap: a number is given two roles' '$OUT/healthz' && ! grep -q 911100012 '$OUT/healthz'"

printf 'mat-khau-bureau-1\n' > "$OUT/pw"
tb user add lan --role bureau --password-file "$OUT/pw" > /dev/null || fail "user add"
jar=$OUT/jar
t=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$t" \
    --data-urlencode "name=lan" --data-urlencode "password=mat-khau-bureau-1" \
    "$base/login"
curl -s -b "$jar" "$base/directory" > "$OUT/dir.html"
check "the dashboard lists the gaps" grep -q '<ul id="gaps">' "$OUT/dir.html"
check "the township on the dashboard" grep -q "Xã Thị trấn Thủ Thừa có trường (TT3) nhưng không có công an cấp 1" "$OUT/dir.html"
check "two roles on the dashboard" grep -q "Số +84911100012 có hai vai trò" "$OUT/dir.html"
finish
