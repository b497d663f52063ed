# The serve path classifies with the same code as `tinbao classify`: the
# case shows category, urgency, school and the matched words.  An operator's
# keyword row and a new school are picked up on SIGHUP.
. tests/regress/lib.sh
setup
tb import schools "$SCHOOLS" > /dev/null || fail "import schools"

# The CLI, without and with the directory.
eq "cli built-in" "$("$TINBAO" classify "Có bạn mang dao vào lớp 9C" | jq -c '[.category, .urgent]')" '["violence",true]'
eq "cli with schools" "$(echo "tui no dang danh nhau o cong trg thcs my phu" | tb classify | jq -r .school)" "MP2"
eq "football is not violence" "$("$TINBAO" classify "chiều nay lớp em đá bóng với lớp 8B" | jq -r .category)" "other"

start
tb inject --from 0911000001 "tui no dang danh nhau o cong trg thcs my phu, cuu voi" > /dev/null
wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
json=$(tb reports --json)
eq "category" "$(echo "$json" | jq -r .category)" "violence"
eq "urgent" "$(echo "$json" | jq -r .urgent)" "true"
eq "school" "$(echo "$json" | jq -r .school)" "MP2"
check "matched words" sh -c "echo '$json' | jq -e '.matched | index(\"danh nhau\")' > /dev/null"

# An operator adds a keyword and a school, then reloads.
sql "INSERT INTO keywords (category, kind, weight, phrase) VALUES ('drugs', 'keyword', 3, 'kẹo kéo xanh')"
printf 'code,name,commune,level,aliases\nTT9,Trường THCS Tân Thành,Tân Thành,THCS,Tan Thanh\n' > "$OUT/more.csv"
tb import schools "$OUT/more.csv" > /dev/null || fail "import more"
kill -HUP "$SERVE_PID"
wait_for "reloaded" grep -q "reload: keyword tables" "$OUT/serve.log"
tb inject --from 0911000002 "Có anh lớp trên bán kẹo kéo xanh ở trường THCS Tân Thành" > /dev/null
wait_for "second case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 2 ]"
json=$(tb reports --json | tail -n 1)
eq "operator keyword" "$(echo "$json" | jq -r .category)" "drugs"
eq "new school" "$(echo "$json" | jq -r .school)" "TT9"
finish
