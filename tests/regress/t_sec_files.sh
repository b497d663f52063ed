# Files open to others are refused at start (issue 16), as the key file
# already was: a Kannel password or USSD secret that every local user can
# read, a metrics token likewise, a database every local user can write.
# One line names the file; 0640 (group) is fine.
. tests/regress/lib.sh
setup
printf 'secret\n' > "$OUT/kannel.pass"
cat >> "$CONF" <<EOC

[kannel]
sendsms_url = http://127.0.0.1:9/cgi-bin/sendsms
username = tinbao
password_file = kannel.pass
from = 9999
EOC
refused() {	# WHAT GREP: serve exits at once with a line matching GREP
	: > "$OUT/refused.log"
	if timeout 10 "$TINBAO" -c "$CONF" serve > "$OUT/refused.log" 2>&1; then
		fail "$1: serve started"
	else
		check "$1: says why" grep -q "$2" "$OUT/refused.log"
	fi
}
chmod 644 "$OUT/kannel.pass"
refused "kannel.pass readable by others" "kannel: password_file .*kannel.pass is open to others (mode 0644)"
chmod 640 "$OUT/kannel.pass"
printf 'ussd-secret-token\n' > "$OUT/ussd.secret"
chmod 604 "$OUT/ussd.secret"
printf '\n[ussd]\nsecret_file = ussd.secret\n' >> "$CONF"
refused "ussd.secret readable by others" "ussd: secret_file .*ussd.secret is open to others"
chmod 600 "$OUT/ussd.secret"
chmod 666 "$OUT/tinbao.db"
refused "world-writable database" "database=.*tinbao.db is writable by others"
chmod 600 "$OUT/tinbao.db"
start
check "started once the modes are right" kill -0 "$SERVE_PID"
finish
