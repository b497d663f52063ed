# Odd messages are stored and never crash the gateway: an empty SMS gets the
# usage reply and no case, 8-bit data is kept without a case or a reply, a
# flash SMS is a report, a lone UTF-16 surrogate becomes U+FFFD, a message
# from an alphanumeric sender is stored.
. tests/regress/lib.sh
setup
start

tb inject --from 0933333333 "" > /dev/null
tb inject --from 0944444444 --binary "$(printf 'binary\001\002')" > /dev/null
tb inject --from 0955555555 --flash "Cháy ở phòng thí nghiệm" > /dev/null
tb inject --from 0966666666 --hex 0045006DD8000021 > /dev/null
tb inject --from VIETTEL "Khuyến mãi 50% thẻ nạp" > /dev/null
wait_for "five messages" sh -c "[ \$(sqlite3 '$OUT/tinbao.db' 'SELECT count(*) FROM messages') -eq 5 ]"
wait_for "phone inbox empty" sh -c "[ -z \"\$(ls '$OUT/phone/sms/1')\" ]"

eq "cases" "$(ncases)" "3"
eq "binary kept as hex" "$(sql "SELECT text FROM messages WHERE flags & 2")" "62696e6172790102"
eq "empty message got the usage" "$(sql "SELECT count(*) FROM outbox WHERE kind='help' AND case_id IS NULL")" "1"
eq "flash on the timeline" "$(tb reports --json | jq -r 'select(.text | startswith("Cháy")) | .code' | xargs -I{} "$TINBAO" -c "$CONF" show {} --json | jq -r '.timeline[0].detail' | grep -c flash)" "1"
eq "surrogate replaced" "$(tb reports --json | jq -r 'select(.text | startswith("Em")) | .text')" "Em�!"
check "gateway still running" kill -0 "$SERVE_PID"
finish
