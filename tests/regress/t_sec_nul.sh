# A NUL inside an incoming SMS (issue 16) no longer cuts the report: a
# UCS-2 SMS with U+0000 through libGammu's real AT driver, and a Kannel MO
# with %00 in UTF-8 and 00 00 in UTF-16BE, keep every character after it,
# the NUL shown as U+FFFD.
. tests/regress/lib.sh
setup
fakemodem_setup
printf 'secret\n' > "$OUT/kannel.pass"
cat >> "$CONF" <<EOC

[kannel]
sendsms_url = http://127.0.0.1:9/cgi-bin/sendsms
username = tinbao
password_file = kannel.pass
from = 9999
EOC
WAIT=30 start
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
FFFD=$(printf '\357\277\275')

# "Chay nha<NUL>o truong" as UCS-2 on the modem.
fm SMS +84987800009 ucs2 0 0 0 "$(hex 'Có cháy nhà')00$(hex ' ở trường THCS Mỹ Phú')" > /dev/null || fail "SMS"
WAIT=30 wait_for "case" sh -c "[ \$(\"$TINBAO\" -c \"$CONF\" reports --json | wc -l) -eq 1 ]"
eq "modem: the rest kept" "$(tb reports --json | jq -r .text)" "Có cháy nhà$FFFD ở trường THCS Mỹ Phú"

mo="http://$(http_addr)/kannel/mo"
eq "Kannel UTF-8 with %00" "$(curl -s -o /dev/null -w '%{http_code}' "$mo?from=%2B84987800010&to=9999&text=Ban+em+bi+danh%00+o+nha+xe&charset=UTF-8&coding=0&id=nul-1")" "200"
eq "UTF-8: the rest kept" "$(tb reports --json | tail -n 1 | jq -r .text)" "Ban em bi danh$FFFD o nha xe"
eq "Kannel UTF-16BE with 00 00" "$(curl -s -o /dev/null -w '%{http_code}' "$mo?from=%2B84987800011&to=9999&text=%00d%00a%00o%00%00%00+%00x%00e&charset=UTF-16BE&coding=2&id=nul-2")" "200"
eq "UTF-16BE: the rest kept" "$(tb reports --json | tail -n 1 | jq -r .text)" "dao$FFFD xe"
finish
