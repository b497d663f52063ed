# A database that cannot be served stops `tinbao serve` at once with one
# clear line naming the file and exit status 1, never a gateway that runs
# and fails every commit: (a) a file of garbage, (b) a truncated database,
# (c) a database whose write lock another process holds (an sqlite3 shell
# in BEGIN EXCLUSIVE, stopped by its PID afterwards), (d) a database with
# a page overwritten in the middle (found by the start-up quick_check).
# Then the intact database, unlocked, serves.
. tests/regress/lib.sh
SQ_PID=""
trap 'stop; [ -z "$SQ_PID" ] || kill $SQ_PID 2>/dev/null' EXIT
setup
directory
db=$OUT/tinbao.db

# $1: what, $2: the database file, $3: a pattern the one line must match.
refused() {
	sed "s|^database = .*|database = $2|" "$CONF" > "$OUT/f.conf"
	"$TINBAO" -c "$OUT/f.conf" serve > "$OUT/err" 2>&1 &
	pid=$!
	# Locked: the busy timeout (5 s) comes first.
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		kill $pid; wait $pid
		fail "$1: still running after 30 s"
		return
	fi
	wait $pid
	eq "$1: exit status" "$?" "1"
	eq "$1: one line" "$(wc -l < "$OUT/err")" "1"
	check "$1: names the file ($(cat "$OUT/err"))" grep -q "database=$OUT/$2[ :]" "$OUT/err"
	check "$1: says why" grep -q "$3" "$OUT/err"
	check "$1: did not serve" sh -c "! grep -q 'serving database' '$OUT/err'"
}

size=$(stat -c %s "$db")
pagesize=$(sql "PRAGMA page_size")

# (a) garbage.
head -c 65536 /dev/urandom > "$OUT/garbage.db"
refused "garbage" garbage.db "file is not a database"

# (b) truncated: the last pages gone (a copy cut short by a full disk).
cp "$db" "$OUT/truncated.db"
truncate -s $((size - 3 * pagesize)) "$OUT/truncated.db"
refused "truncated" truncated.db "malformed"

# (d) one page in the middle overwritten; the header and size are intact.
# The contacts table's page, not a page of the schema (which would fail
# the open itself, before the quick_check: a grown schema reaches the
# middle of this small file).
cp "$db" "$OUT/damaged.db"
dd if=/dev/urandom of="$OUT/damaged.db" bs="$pagesize" \
    seek=$(($(sql "SELECT rootpage FROM sqlite_master WHERE name = 'contacts'") - 1)) \
    count=1 conv=notrunc 2>/dev/null
refused "damaged page" damaged.db "is damaged"

# (c) locked: an sqlite3 shell holds the write lock in a transaction.
mkfifo "$OUT/sq.in"
sqlite3 "$db" < "$OUT/sq.in" > "$OUT/sq.out" 2>&1 &
SQ_PID=$!
exec 3> "$OUT/sq.in"
echo "BEGIN EXCLUSIVE; SELECT 'held';" >&3
wait_for "the lock held" grep -q held "$OUT/sq.out"
refused "locked" tinbao.db "is locked by another process"
exec 3>&-
wait "$SQ_PID"
SQ_PID=""

# The same database, once the shell is gone, serves.
start
check "serves once unlocked" grep -q "serving database=$db" "$OUT/serve.log"
check "schools kept" test "$(count "SELECT 1 FROM schools")" -gt 0
finish
