# Directory import: a bad phone number or an unknown school code is
# reported with its line number and nothing of the file is committed;
# RFC 4180 quoting, a BOM and CRLF line ends are accepted; re-importing
# updates rows by key instead of duplicating them.
. tests/regress/lib.sh
setup
tb import schools "$SCHOOLS" > /dev/null || fail "schools"
eq "schools" "$(count "SELECT 1 FROM schools")" "7"
tb import schools "$SCHOOLS" > /dev/null || fail "schools again"
eq "schools re-imported, not doubled" "$(count "SELECT 1 FROM schools")" "7"

bad=$OUT/bad.csv
printf 'name,phone,role,school,commune,level,pin\n' > "$bad"
printf 'Good One,0912 000 001,police,,Mỹ Phú,1,\n' >> "$bad"
printf '"Nguyễn, Văn ""Bad""",09x12,police,,Mỹ Phú,1,\n' >> "$bad"
printf 'Cô Hoa,0912000003,teacher,ZZ9,,,\n' >> "$bad"
printf 'Thầy Ba,0912000004,janitor,MP2,,,\n' >> "$bad"
printf 'Good Two,0912000001,police,,Mỹ Phú,4,\n' >> "$bad"
tb import contacts "$bad" > "$OUT/out" 2> "$OUT/err"
eq "exit status" "$?" "1"
check "bad phone on line 3" grep -q "bad.csv:3: phone '09x12'" "$OUT/err"
check "unknown school on line 4" grep -q "bad.csv:4: school 'ZZ9' is not in the directory" "$OUT/err"
check "bad role on line 5" grep -q "bad.csv:5: role 'janitor'" "$OUT/err"
check "duplicate phone on line 6" grep -q "bad.csv:6: .*already on line 2" "$OUT/err"
eq "nothing committed" "$(count "SELECT 1 FROM contacts")" "0"

good=$OUT/good.csv
printf '\357\273\277name,phone,role,school,commune,level,pin\r\n' > "$good"
printf '"Lê Thị Bình, hiệu trưởng",84912000002,principal,MP2,,,\r\n' >> "$good"
printf 'Trung úy An,+84 912 000 001,police,,Mỹ Phú,1,4821\r\n' >> "$good"
tb import contacts "$good" > /dev/null 2> "$OUT/err" || fail "good file: $(cat "$OUT/err")"
eq "contacts" "$(sql "SELECT group_concat(phone || '=' || role, ' ') FROM (SELECT * FROM contacts ORDER BY phone)")" "+84912000001=police +84912000002=principal"
eq "quoted name" "$(sql "SELECT name FROM contacts WHERE role='principal'")" "Lê Thị Bình, hiệu trưởng"
eq "PIN kept only as a keyed hash" "$(sql "SELECT length(pin_mac) FROM contacts WHERE role='police'")" "32"
check "no PIN in clear" sh -c "! grep -aq 4821 '$OUT/tinbao.db'"
sed -i 's/Trung úy An/Đại úy An/' "$good"
tb import contacts "$good" > /dev/null || fail "re-import"
eq "re-import updates by phone" "$(sql "SELECT count(*) || ' ' || max(name) FROM contacts WHERE role='police'")" "1 Đại úy An"

# Spaces after the commas are trimmed from every field, the key included:
# " XT9" once passed the check and was stored with its space.
sp=$OUT/spaces.csv
printf 'code, name, commune, level\n' > "$sp"
printf ' XT9 ,  Trường TH Xã Thử , Mỹ Phú ,  TH \n' >> "$sp"
tb import schools "$sp" > /dev/null 2> "$OUT/err" || fail "spaces: $(cat "$OUT/err")"
eq "trimmed code, name, commune, level" "$(sql "SELECT code || '|' || name || '|' || commune || '|' || level FROM schools WHERE name LIKE '%Xã Thử%'")" "XT9|Trường TH Xã Thử|Mỹ Phú|TH"
printf 'name,phone,role,school\nCô Mai, 0912000009 ,teacher, XT9 \n' > "$sp"
tb import contacts "$sp" > /dev/null 2> "$OUT/err" || fail "contact at XT9: $(cat "$OUT/err")"
eq "a contact of a trimmed school" "$(sql "SELECT school FROM contacts WHERE phone = '+84912000009'")" "XT9"

# Old Mac line ends (a lone CR): the rows keep their line numbers.
cr=$OUT/cr.csv
printf 'name,phone,role\rAn,0912000011,police\rBa,09x,police\r' > "$cr"
tb import contacts "$cr" > /dev/null 2> "$OUT/err"
eq "CR file refused" "$?" "1"
check "bad phone on line 3 of a CR file" grep -q "cr.csv:3: phone '09x'" "$OUT/err"
finish
