# The health category (SPEC section 5, handlers/category.c) through every
# door: a pupil's SMS about many pupils poisoned is an urgent health case
# whose alerts say "y te"; one pupil's food poisoning is health but not
# urgent; a teacher's "YT" with several pupils fainting is urgent and its
# ack names YT, while one pupil with a fever is not.  The pupil's ack is
# one GSM-7 SMS that says the number is kept secret.  (The USSD menu's key
# 10 for health is in tests/unit/test_category.c.)
. tests/regress/lib.sh
setup
directory
start

tb inject --from 0987000011 "Nhiều bạn lớp 7 trường THCS Mỹ Phú bị ngộ độc thực phẩm sau bữa trưa" > /dev/null
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
code=$(newest)
eq "many pupils poisoned" "$(tb show "$code" --json | jq -r '[.category, .urgent, .school] | join(" ")')" "health true MP2"
wait_count "alerts" "SELECT 1 FROM outbox WHERE kind='alert'" 3
check "the alert says y te" sh -c "sqlite3 '$OUT/tinbao.db' \"SELECT text FROM outbox WHERE kind='alert' LIMIT 1\" | grep -q '^$code KHAN y te, '"
ack=$(sql "SELECT text FROM outbox WHERE kind='ack' AND case_id=(SELECT id FROM cases WHERE code='$code')")
check "ack is plain ASCII, one SMS (${#ack})" sh -c "[ \$(printf %s \"\$1\" | wc -c) -le 160 ] && ! printf %s \"\$1\" | LC_ALL=C grep -q '[^ -~]'" _ "$ack"
check "ack: code, secret, 113 then 111" sh -c "printf %s \"\$1\" | grep -q '$code.*giu bi mat.*113.*111'" _ "$ack"

tb inject --from 0987000012 "hôm qua em bị ngộ độc thức ăn, giờ đỡ rồi" > /dev/null
wait_for "second case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
code2=$(newest)
eq "one pupil: health, not urgent" "$(tb show "$code2" --json | jq -r '[.category, .urgent] | join(" ")')" "health false"

tb inject --from 0911100007 "YT nhiều bạn bị ngất trong giờ chào cờ" > /dev/null
wait_for "teacher case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
code3=$(newest)
eq "teacher's YT, several pupils" "$(tb show "$code3" --json | jq -r '[.category, .urgent, .school] | join(" ")')" "health true MP2"
eq "teacher acknowledged" "$(count "SELECT 1 FROM outbox WHERE kind='ack' AND number='+84911100007' AND text LIKE '%$code3 (YT KC)%'")" "1"
tb inject --from 0911100007 "YT một bạn bị sốt" > /dev/null
wait_for "fourth case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 4 ]"
eq "teacher's YT, one pupil" "$(tb show "$(newest)" --json | jq -r '[.category, .urgent] | join(" ")')" "health false"
finish
