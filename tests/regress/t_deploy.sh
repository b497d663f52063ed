# The example Kannel configuration for a larger district calls tinbao with
# exactly the get-url the Kannel harness uses (SPEC section 9), keeps every
# port on 127.0.0.1, and bearerbox itself reads it without a configuration
# error (pointed at a closed local port instead of the carrier).
. tests/regress/lib.sh
rm -rf "$OUT"; mkdir -p "$OUT"
EX=deploy/kannel.conf.example
q() {	# the query part of a get-url line
	sed -n 's/^get-url = "[^?]*?\(.*\)"$/\1/p' "$1"
}
want=$(sed -n 's/^get-url = "\$1\${_k_sep}\(.*\)"$/\1/p' tests/kannel/kannel.sh)
check "the harness's get-url is found" [ -n "$want" ]
eq "the example's get-url" "$(q $EX)" "$want&token=REPLACE_ME_KANNEL_SECRET"
eq "the example calls /kannel/mo on this machine" "$(sed -n 's/^get-url = "\(http:[^?]*\)?.*/\1/p' $EX)" "http://127.0.0.1:8080/kannel/mo"
for k in admin-interface smsbox-interface sendsms-interface; do
	eq "$k" "$(sed -n "s/^$k = //p" $EX)" "127.0.0.1"
done
if command -v bearerbox > /dev/null; then
	port=$(build/freeport 2>/dev/null || echo 39999)
	adm=$(build/freeport 2>/dev/null || echo 39998)
	box=$(build/freeport 2>/dev/null || echo 39997)
	sed -e "s|REPLACE_ME_SMSC_HOST|127.0.0.1|" -e "s|^port = 2775|port = $port|" \
	    -e "s|^admin-port = 13000|admin-port = $adm|" \
	    -e "s|^smsbox-port = 13001|smsbox-port = $box|" \
	    -e "s|/var/log/kannel|$OUT|g" -e "s|/var/spool/kannel/store|$OUT/store|" \
	    $EX > "$OUT/kannel.conf"
	mkdir -p "$OUT/store"
	bearerbox "$OUT/kannel.conf" > "$OUT/bb.out" 2>&1 &
	BB=$!
	trap 'kill $BB 2>/dev/null' EXIT
	sleep 2
	check "bearerbox runs on the example" kill -0 $BB
	check "no configuration error" sh -c "! grep -qiE 'panic|error.*(config|group)' '$OUT/bb.out' '$OUT/bearerbox.log' 2>/dev/null"
	kill $BB 2>/dev/null; wait $BB 2>/dev/null
else
	fail "bearerbox is not installed (make deps)"
fi
finish
