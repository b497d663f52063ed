# A login storm (issue 16): Argon2id runs on worker threads, so /healthz
# answers while two dozen logins are being checked (on the loop, each
# check would hold it for a fraction of a second: seconds in all), and at
# most a few checks are under way together: the rest get 503 at once
# rather than queueing up memory and CPU.  The secure_cookie key: a
# session cookie is Secure when the trusted proxy says HTTPS.
. tests/regress/lib.sh
setup
sed -i 's/^listen = 127.0.0.1:0$/listen = 127.0.0.1:0\ntrusted_proxy = 127.0.0.1/' "$CONF"
printf 'mat-khau-bureau-1\n' > "$OUT/pw.bureau"
tb user add lan --role bureau --password-file "$OUT/pw.bureau" > /dev/null || fail "user add"
start
base="http://$(http_addr)"

login_bg() {	# FROM NAME: one failed login, its status code into a file
	jar=$OUT/jar.$1
	t=$(curl -s --interface "$1" -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
	curl -s -o /dev/null -w '%{http_code}\n' --interface "$1" -c "$jar" -b "$jar" \
	    --data-urlencode "csrf=$t" --data-urlencode "name=$2" \
	    --data-urlencode "password=not-the-password" "$base/login" > "$OUT/code.$1"
}
pids=""
for i in $(seq 1 24); do login_bg "127.0.1.$i" "storm$i" & pids="$pids $!"; done
slowest=0
for i in 1 2 3 4 5; do
	ms=$(curl -s -o /dev/null -w '%{time_total}' "$base/healthz" | awk '{ printf "%d", $1 * 1000 }')
	[ "$ms" -gt "$slowest" ] && slowest=$ms
	sleep 0.1
done
for p in $pids; do wait "$p"; done	# not the gateway's PID
check "healthz answers during the storm (slowest ${slowest} ms)" [ "$slowest" -lt 1000 ]
cat "$OUT"/code.* | sort | uniq -c > "$OUT/codes"
check "only 401 and 503 ($(tr '\n' ' ' < "$OUT/codes"))" sh -c "! grep -vqE ' (401|503)$' '$OUT/codes'"
check "some refused at once with 503" grep -q ' 503$' "$OUT/codes"
eq "the right password still works" "$(t=$(curl -s -c "$OUT/j" -b "$OUT/j" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p'); curl -s -o /dev/null -w '%{http_code}' -c "$OUT/j" -b "$OUT/j" --data-urlencode "csrf=$t" --data-urlencode name=lan --data-urlencode password=mat-khau-bureau-1 "$base/login")" "303"

# Behind the trusted proxy with HTTPS, the session cookie is Secure; over
# plain HTTP it cannot be (the browser would drop it).
cookie_of() {	# extra curl arguments: the Set-Cookie of tb_session
	rm -f "$OUT/j2"
	t=$(curl -s -c "$OUT/j2" -b "$OUT/j2" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
	curl -s -o /dev/null -D - -c "$OUT/j2" -b "$OUT/j2" "$@" --data-urlencode "csrf=$t" \
	    --data-urlencode name=lan --data-urlencode password=mat-khau-bureau-1 \
	    "$base/login" | tr -d '\r' | grep -i '^set-cookie: tb_session='
}
check "Secure behind the HTTPS proxy" sh -c "echo '$(cookie_of -H 'X-Forwarded-Proto: https')' | grep -q '; Secure'"
check "not Secure over plain HTTP" sh -c "! echo '$(cookie_of)' | grep -q 'Secure'"
check "X-Forwarded-Proto from others is not believed" sh -c "! echo '$(cookie_of --interface 127.0.0.2 -H 'X-Forwarded-Proto: https')' | grep -q 'Secure'"
finish
