# Start-up refuses what it cannot run safely, with a clear line: a config
# typo (exit 2, file and line), a database from a newer tinbao, a database
# that was never initialised, a corrupt database file.  SIGTERM stops a
# running gateway cleanly.
. tests/regress/lib.sh
setup

bad=$OUT/bad.conf
printf '[tinbao]\ndatabase = x.db\nkeyfile = k\npoll_intervall = 5s\n' > "$bad"
"$TINBAO" -c "$bad" check-config > "$OUT/err" 2>&1
eq "typo exit status" "$?" "2"
check "typo names file and line" grep -q "bad.conf:4:" "$OUT/err"

eq "check-config ok" "$(tb check-config)" "ok"

version=$(sql "PRAGMA user_version")
sql "PRAGMA user_version = 99"
tb serve > "$OUT/err" 2>&1
eq "newer schema refused" "$?" "1"
check "newer schema explained" grep -q "newer than this tinbao" "$OUT/err"
sql "PRAGMA user_version = $version"

printf 'this is not a database, just text that is long enough to be read as a header........................................' > "$OUT/corrupt.db"
sed "s|^database = .*|database = corrupt.db|" "$CONF" > "$OUT/corrupt.conf"
"$TINBAO" -c "$OUT/corrupt.conf" serve > "$OUT/err" 2>&1
eq "corrupt database refused" "$?" "1"
check "corrupt database explained" grep -q "corrupt.db" "$OUT/err"

sed "s|^database = .*|database = missing.db|" "$CONF" > "$OUT/missing.conf"
"$TINBAO" -c "$OUT/missing.conf" serve > "$OUT/err" 2>&1
eq "missing database refused" "$?" "1"
check "missing database explained" grep -q "tinbao db init" "$OUT/err"

start
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
eq "clean exit on SIGTERM" "$?" "0"
check "stop logged" grep -q "stopped received=" "$OUT/serve.log"
SERVE_PID=""
finish
