# Sessions end with the account (issue 16): a new password (`user add
# --replace`) logs the user out everywhere; `tinbao user disable` ends the
# sessions at once and refuses the right password; `user enable` and
# `user list`; an admin does the same on the dashboard's /users page, and a
# bureau user may not.
. tests/regress/lib.sh
setup
printf 'mat-khau-bureau-1\n' > "$OUT/pw.bureau"
printf 'mat-khau-moi-2222\n' > "$OUT/pw.new"
printf 'mat-khau-admin-22\n' > "$OUT/pw.admin"
tb user add lan --role bureau --password-file "$OUT/pw.bureau" > /dev/null || fail "user add"
tb user add quan --role admin --password-file "$OUT/pw.admin" > /dev/null || fail "admin add"
start
base="http://$(http_addr)"

code_of() {
	curl -s -o /dev/null -w '%{http_code}' "$@"
}
login() {	# JAR NAME PASSWORD
	rm -f "$1"
	t=$(curl -s -c "$1" -b "$1" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
	curl -s -o /dev/null -w '%{http_code}' -c "$1" -b "$1" --data-urlencode "csrf=$t" \
	    --data-urlencode "name=$2" --data-urlencode "password=$3" "$base/login"
}

# 1. A new password ends the old sessions.
eq "login" "$(login "$OUT/j1" lan mat-khau-bureau-1)" "303"
eq "session works" "$(code_of -b "$OUT/j1" "$base/cases")" "200"
tb user add lan --role bureau --password-file "$OUT/pw.new" --replace > /dev/null || fail "replace"
eq "session gone after --replace" "$(code_of -b "$OUT/j1" "$base/cases")" "303"
eq "old password refused" "$(login "$OUT/j1" lan mat-khau-bureau-1)" "401"
eq "new password" "$(login "$OUT/j1" lan mat-khau-moi-2222)" "303"

# 2. user disable: sessions end, the right password is refused; enable.
eq "disable" "$(tb user disable lan)" "user lan disabled, sessions ended"
eq "session gone after disable" "$(code_of -b "$OUT/j1" "$base/cases")" "303"
eq "no sessions left" "$(count "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'lan'")" "0"
eq "disabled user cannot log in" "$(login "$OUT/j1" lan mat-khau-moi-2222)" "401"
check "list shows it" sh -c "'$TINBAO' -c '$CONF' user list | grep -q '^lan .*bureau .*disabled'"
eq "enable" "$(tb user enable lan)" "user lan enabled"
eq "enabled user logs in" "$(login "$OUT/j1" lan mat-khau-moi-2222)" "303"
check "unknown user" sh -c "! '$TINBAO' -c '$CONF' user disable nobody 2>/dev/null"

# 3. The dashboard: an admin disables lan, whose session dies at once.
eq "admin login" "$(login "$OUT/ja" quan mat-khau-admin-22)" "303"
curl -s -b "$OUT/ja" "$base/users" > "$OUT/users.html"
check "users page lists lan" grep -q '<td>lan</td>' "$OUT/users.html"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/users.html" | head -n 1)
eq "bureau may not" "$(code_of -b "$OUT/j1" "$base/users")" "403"
eq "disable without CSRF token" "$(code_of -b "$OUT/ja" -X POST -d x=1 "$base/users/lan/disable")" "403"
eq "lan still in" "$(code_of -b "$OUT/j1" "$base/cases")" "200"
eq "admin disables lan" "$(code_of -b "$OUT/ja" --data-urlencode "csrf=$csrf" "$base/users/lan/disable")" "303"
eq "lan's session dead" "$(code_of -b "$OUT/j1" "$base/cases")" "303"
eq "audited" "$(count "SELECT 1 FROM audit WHERE actor='user:quan' AND action='user.disable' AND detail='lan'")" "1"
eq "no self-disable" "$(code_of -b "$OUT/ja" --data-urlencode "csrf=$csrf" "$base/users/quan/disable")" "409"
eq "admin enables lan" "$(code_of -b "$OUT/ja" --data-urlencode "csrf=$csrf" "$base/users/lan/enable")" "303"
eq "lan logs in again" "$(login "$OUT/j1" lan mat-khau-moi-2222)" "303"
finish
