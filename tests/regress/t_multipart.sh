# Multipart UCS-2: parts arriving out of order are joined into one message;
# a part that comes after multipart_timeout is joined to the case later;
# two incomplete messages can wait at the same time.
MULTIPART_TIMEOUT=3s
. tests/regress/lib.sh
setup
start

LONG="Em là học sinh lớp 7B trường THCS Mỹ Phú. Mấy anh lớp 9 bắt em nộp tiền mỗi ngày, không nộp thì bị đánh sau giờ tan học ở quán nước đầu hẻm. Em không dám nói với cô chủ nhiệm."
# Parts 3 then 1 then 2, within the timeout: one complete message.
tb inject --from 0987654321 --parts 3 --ref 17 --only 3 "$LONG" > /dev/null
tb inject --from 0987654321 --parts 3 --ref 17 --only 1 "$LONG" > /dev/null
sleep 1
tb inject --from 0987654321 --parts 3 --ref 17 --only 2 "$LONG" > /dev/null
wait_for "one case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
eq "joined in order" "$(tb reports --json | jq -r .text)" "$LONG"
eq "complete" "$(sql "SELECT parts_have || '/' || parts_total || ' ' || (flags & 4) FROM messages")" "3/3 0"

# Two incomplete messages from two phones at once; part 2 of the first is
# late (after the timeout), the second never completes.
LATE="Có người lạ đứng trước cổng trường Tiểu học Nhị Thành mời các em uống nước lạ, nói là nước tăng lực, mấy bạn uống xong bị chóng mặt."
OTHER="Bạn em bị mấy bạn cùng lớp quay clip chế giễu rồi đăng lên mạng, bạn ấy khóc cả ngày, không muốn đi học nữa, em lo lắm."
tb inject --from 0911111111 --parts 3 --ref 40 --only 1,3 "$LATE" > /dev/null
tb inject --from 0922222222 --parts 2 --ref 40 --only 1 "$OTHER" > /dev/null
wait_for "two incomplete cases" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 3 ]"
eq "incomplete flagged" "$(sql "SELECT count(*) FROM messages WHERE flags & 4")" "2"
tb inject --from 0911111111 --parts 3 --ref 40 --only 2 "$LATE" > /dev/null
WAIT=10 wait_for "late part joined" sh -c "\"$TINBAO\" -c \"$CONF\" reports --json | jq -r .text | grep -qxF \"\$1\"" _ "$LATE"
eq "still three cases" "$(ncases)" "3"
code=$(tb reports --json | jq -r "select(.text == \"$LATE\") | .code")
check "late part on the timeline" sh -c "\"$TINBAO\" -c \"$CONF\" show $code --json | jq -e '[.timeline[].type] | index(\"late_part\")' > /dev/null"
eq "late message complete" "$(sql "SELECT parts_have FROM messages m JOIN cases c ON c.id = m.case_id WHERE c.code = '$code'")" "3"
wait_for "phone inbox empty" sh -c "[ -z \"\$(ls '$OUT/phone/sms/1')\" ]"
finish
