# Kannel test harness: a real bearerbox + smsbox with a fake SMS centre
# (fakesmsc from kannel-extras) on loopback, for tests that talk to Kannel.
#
# Source this file (POSIX sh).  It defines:
#
#   kannel_start DIR MO_URL   write DIR/kannel.conf, start bearerbox, smsbox
#                             and fakesmsc on free 127.0.0.1 ports, wait until
#                             all are on-line; MO_URL receives every MO
#   kannel_mo FROM TO TEXT    inject one MO through fakesmsc (text, ucs2, or
#                             concatenated parts); returns once fakesmsc has
#                             sent every line to bearerbox
#   kannel_mt_count           number of MT messages fakesmsc has received
#   kannel_mt N               the Nth MT, decoded: FROM TO CODING TEXT
#   kannel_wait_mt N          waits until at least N MT messages arrived
#   kannel_sendsms FROM TO TEXT [curl args]   sendsms GET, UCS-2 when the text
#                             is not ASCII; prints the HTTP status and body
#   kannel_status             prints the admin status.txt
#   kannel_stop               stops everything by PID; keeps DIR for reports
#
# After kannel_start: KANNEL_SENDSMS_URL, KANNEL_USER, KANNEL_PASS (also in
# DIR/kannel.pass), KANNEL_ADMIN (http://127.0.0.1:PORT; admin and status
# pages want ?password=$KANNEL_ADMIN_PASS), KANNEL_FAKE_PORT, KANNEL_DIR.
#
# Timing (measured): kannel_start 0.35-0.4 s; an MO reaches the application
# 10-20 ms after kannel_mo returns.  fakesmsc reads its bearerbox socket only
# when its 1 s select() on stdin returns, so an MT would sit there for up to
# 1 s; kannel_wait_mt wakes it with empty lines and sees the MT about 0.1 s
# after sendsms answers.  kannel_stop 0.2-0.4 s.
#
# Delivery reports: fakesmsc cannot send one.  bearerbox's fake SMSC makes
# them itself for every MT sent with a dlr-mask: status 8 (SMSC ack) when
# the MT is handed to fakesmsc and status 1 (delivered) just after.  There is
# no way to make it report 2 or 16; test failure paths some other way.
#
# Ports: never 13000 (the Debian service's), always free ports from
# build/freeport.  Readiness is checked with `ss -ltn` and the admin
# status.txt, never by connecting to the fake SMSC port: bearerbox would take
# that connection for *the* fakesmsc client.
#
# In a regress test (tests/regress/lib.sh), after `. tests/regress/lib.sh`:
#
#	. tests/kannel/kannel.sh
#	trap 'kannel_stop; stop' EXIT		# lib.sh traps only `stop`
#	setup
#	start				# the application listens first
#	kannel_start "$OUT/kannel" "http://$(http_addr)/kannel/mo" ||
#	    fail "kannel_start"
#	kannel_mo +84912345678 9999 "Có bạn bị bắt nạt" || fail "kannel_mo"
#	...
#	kannel_stop; finish
#
# Helpers come from $KANNEL_BIN (default ./build: freeport, mtdecode), built
# by `make kannel-tools`.  All variables of this file start with KANNEL_ or
# _k (functions run in the caller's shell, POSIX sh has no `local`).

KANNEL_BIN=${KANNEL_BIN:-$(pwd)/build}
KANNEL_SBIN=${KANNEL_SBIN:-/usr/sbin}
KANNEL_FAKESMSC=${KANNEL_FAKESMSC:-/usr/lib/kannel/test/fakesmsc}
KANNEL_DIR=""
KANNEL_ADMIN=""
KANNEL_ADMIN_PASS=""
KANNEL_SENDSMS_URL=""
KANNEL_USER=""
KANNEL_PASS=""
KANNEL_FAKE_PORT=""
KANNEL_BB_PID=""
KANNEL_SMSBOX_PID=""
KANNEL_FAKE_PID=""
KANNEL_HOLD_PID=""

_kerr() {
	echo "kannel: $*" >&2
	return 1
}

# Waits up to $2 tenths of a second until the command "$3..." succeeds.
# Gives up at once when the command returns 3 (see _kup).
_kwait() {
	_kw_what=$1; _kw_max=$2; shift 2
	_kw_i=0
	while :; do
		"$@" > /dev/null 2>&1
		case $? in
		0)	return 0 ;;
		3)	_kerr "gave up waiting for $_kw_what"; return 1 ;;
		esac
		_kw_i=$((_kw_i + 1))
		[ "$_kw_i" -le "$_kw_max" ] ||
		    { _kerr "timed out waiting for $_kw_what"; return 1; }
		sleep 0.1
	done
}

# Runs "$3..." while our child PID $1 (program $2) runs; returns 3 once it
# has exited.  Not _kalive: just after `prog &` the child may still be a
# copy of this shell that has not exec'd yet.
_kup() {
	_ku_state=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -c1)
	case $_ku_state in
	''|Z|X)	return 3 ;;
	esac
	shift 2
	"$@"
}

# True while PID $1 is alive and still runs the program named $2.
_kalive() {
	[ -n "$1" ] && { tr '\0' ' ' < "/proc/$1/cmdline"; } 2> /dev/null |
	    grep -q -- "$2"
}

# True when 127.0.0.1:$1 is a listening TCP socket.
_klistens() {
	ss -Hltn "sport = :$1" | grep -q "127.0.0.1:$1"
}

kannel_status() {
	curl -s --max-time 2 \
	    "$KANNEL_ADMIN/status.txt?password=$KANNEL_ADMIN_PASS"
}

_kstatus_has() {
	kannel_status | grep -q -- "$1"
}

# Writes DIR/kannel.conf for the ports in _k_admin, _k_smsbox, _k_fake,
# _k_sendsms and the MO URL $1.
_kconf() {
	case $1 in
	*\?*)	_k_sep='&' ;;
	*)	_k_sep='?' ;;
	esac
	cat > "$KANNEL_DIR/kannel.conf" <<EOC
# Written by tests/kannel/kannel.sh; every port is on 127.0.0.1 only.
group = core
admin-port = $_k_admin
admin-interface = 127.0.0.1
admin-password = $KANNEL_ADMIN_PASS
status-password = $KANNEL_ADMIN_PASS
admin-allow-ip = 127.0.0.1
smsbox-port = $_k_smsbox
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
box-deny-ip = "*.*.*.*"
log-file = "$KANNEL_DIR/bearerbox.log"
log-level = 0
access-log = "$KANNEL_DIR/access.log"
sms-combine-concatenated-mo = true
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake1
port = $_k_fake
connect-allow-ip = 127.0.0.1
# Without our-host the fake SMSC listens on 0.0.0.0.
our-host = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $_k_smsbox
sendsms-port = $_k_sendsms
sendsms-interface = 127.0.0.1
log-file = "$KANNEL_DIR/smsbox.log"
log-level = 0
access-log = "$KANNEL_DIR/smsbox-access.log"
mo-recode = true
http-request-retry = ${KANNEL_HTTP_RETRY:-3}
http-queue-delay = ${KANNEL_HTTP_QUEUE_DELAY:-1}

group = sendsms-user
username = $KANNEL_USER
password = $KANNEL_PASS
user-allow-ip = 127.0.0.1
max-messages = 10
concatenation = true

group = sms-service
name = tinbao-mo
keyword = default
get-url = "$1${_k_sep}from=%p&to=%P&text=%b&coding=%c&charset=%C&smsc=%i&id=%I&ts=%T&udh=%u&dcs=%O"
max-messages = 0
omit-empty = true
EOC
}

# Starts bearerbox, smsbox and fakesmsc with DIR as their working files and
# MO_URL as the sms-service URL; returns once all three are on-line.
kannel_start() {
	[ $# -eq 2 ] || { _kerr "usage: kannel_start DIR MO_URL"; return 2; }
	[ -z "$KANNEL_BB_PID" ] || { _kerr "already started"; return 1; }
	[ -x "$KANNEL_BIN/freeport" ] && [ -x "$KANNEL_BIN/mtdecode" ] ||
	    { _kerr "build $KANNEL_BIN/freeport and mtdecode first" \
	    "(make kannel-tools)"; return 1; }
	[ -x "$KANNEL_FAKESMSC" ] ||
	    { _kerr "$KANNEL_FAKESMSC missing (install kannel-extras)";
	    return 1; }
	mkdir -p "$1" || return 1
	KANNEL_DIR=$(cd "$1" && pwd)
	_k_url=$2
	# Ephemeral ports never include 13000 (the Debian service's admin
	# port, held on a host where the package started it); check anyway.
	_k_ports=13000
	while printf '%s\n' $_k_ports | grep -q '^1300[0-9]$'; do
		_k_ports=$("$KANNEL_BIN/freeport" 4) || return 1
	done
	set -- $_k_ports
	_k_admin=$1; _k_smsbox=$2; _k_fake=$3; _k_sendsms=$4
	KANNEL_FAKE_PORT=$_k_fake
	KANNEL_USER=tinbao
	KANNEL_PASS=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
	KANNEL_ADMIN_PASS=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
	KANNEL_ADMIN=http://127.0.0.1:$_k_admin
	KANNEL_SENDSMS_URL=http://127.0.0.1:$_k_sendsms/cgi-bin/sendsms
	export KANNEL_SENDSMS_URL KANNEL_USER KANNEL_PASS KANNEL_ADMIN \
	    KANNEL_ADMIN_PASS KANNEL_FAKE_PORT KANNEL_DIR
	( umask 077 && printf '%s\n' "$KANNEL_PASS" > "$KANNEL_DIR/kannel.pass" )
	_kconf "$_k_url"

	# bearerbox first: smsbox and fakesmsc exit at once without it.
	# Each program is started directly so that $! is its own PID.
	"$KANNEL_SBIN/bearerbox" "$KANNEL_DIR/kannel.conf" \
	    < /dev/null > "$KANNEL_DIR/bearerbox.out" 2>&1 &
	KANNEL_BB_PID=$!
	_k_bb="_kup $KANNEL_BB_PID bearerbox"
	_kwait "bearerbox admin port $_k_admin" 100 $_k_bb \
	    _klistens "$_k_admin" &&
	_kwait "bearerbox smsbox port $_k_smsbox" 100 $_k_bb \
	    _klistens "$_k_smsbox" &&
	_kwait "bearerbox status" 100 $_k_bb \
	    _kstatus_has "Status: running" ||
	    { _kerr "bearerbox: $(tail -n 3 "$KANNEL_DIR/bearerbox.out")";
	    return 1; }

	"$KANNEL_SBIN/smsbox" "$KANNEL_DIR/kannel.conf" \
	    < /dev/null > "$KANNEL_DIR/smsbox.out" 2>&1 &
	KANNEL_SMSBOX_PID=$!
	_k_sb="_kup $KANNEL_SMSBOX_PID smsbox"
	_kwait "smsbox sendsms port $_k_sendsms" 100 $_k_sb \
	    _klistens "$_k_sendsms" &&
	_kwait "smsbox on-line" 100 $_k_sb \
	    _kstatus_has "smsbox:.*on-line" ||
	    { _kerr "smsbox: $(tail -n 3 "$KANNEL_DIR/smsbox.out")";
	    return 1; }

	# fakesmsc reads MOs from a FIFO.  The holder keeps a writer open so
	# that fakesmsc never sees EOF between our one-line writes.
	rm -f "$KANNEL_DIR/fakesmsc.in"
	mkfifo "$KANNEL_DIR/fakesmsc.in" || return 1
	sleep 2147483647 > "$KANNEL_DIR/fakesmsc.in" 2> /dev/null < /dev/null &
	KANNEL_HOLD_PID=$!
	"$KANNEL_FAKESMSC" -H 127.0.0.1 -r "$_k_fake" -i 0 \
	    < "$KANNEL_DIR/fakesmsc.in" > "$KANNEL_DIR/fakesmsc.log" 2>&1 &
	KANNEL_FAKE_PID=$!
	_kwait "fakesmsc on-line" 100 _kup "$KANNEL_FAKE_PID" fakesmsc \
	    _kstatus_has "FAKE:$_k_fake (online" ||
	    { _kerr "fakesmsc: $(tail -n 3 "$KANNEL_DIR/fakesmsc.log")";
	    return 1; }
	echo "$KANNEL_BB_PID $KANNEL_SMSBOX_PID $KANNEL_HOLD_PID" \
	    "$KANNEL_FAKE_PID" > "$KANNEL_DIR/pids"
}

# The number N of fakesmsc's last "sent message N" line (0 if none).
_ksent() {
	sed -n 's/.*fakesmsc: sent message \([0-9]*\)$/\1/p' \
	    "$KANNEL_DIR/fakesmsc.log" | tail -n 1 | grep . || echo 0
}

# Waits up to $2 tenths of a second until "$3..." succeeds, writing an empty
# line to fakesmsc every tenth.  fakesmsc select()s on stdin for 1 s,
# fgets() one line, and reads its bearerbox socket only after that: an empty
# line wakes it at once (it skips lines shorter than 2 bytes and goes on to
# read the socket), and also pushes out a line stuck in its stdio buffer.
_kwait_nudge() {
	_kn_what=$1; _kn_max=$2; shift 2
	_kn_i=0
	while ! "$@" > /dev/null 2>&1; do
		_kn_i=$((_kn_i + 1))
		[ "$_kn_i" -le "$_kn_max" ] ||
		    { _kerr "timed out waiting for $_kn_what"; return 1; }
		printf '\n' > "$KANNEL_DIR/fakesmsc.in"
		sleep 0.1
	done
}

# Writes one line to fakesmsc and waits until it reports it sent.  One line
# at a time: lines written back to back can stay in fakesmsc's stdio buffer.
_kline() {
	[ "$(printf '%s' "$1" | wc -c)" -le 250 ] ||
	    { _kerr "line too long: $1"; return 1; }
	_kl_want=$(($(_ksent) + 1))
	printf '%s\n' "$1" > "$KANNEL_DIR/fakesmsc.in" || return 1
	_kwait_nudge "fakesmsc sent message $_kl_want" 50 \
	    grep -q "fakesmsc: sent message $_kl_want\$" \
	    "$KANNEL_DIR/fakesmsc.log"
}

# Reads the hex bytes (od -tx1) of a UTF-8 text and prints the fakesmsc
# line tails (TYPE [UDH] DATA) that carry it, one per line.  -v budget is
# the room left on a line after "FROM TO ", -v ref the concatenation
# reference.
#   GSM-7 text, one part:     text LITERAL           (<= 160 septets)
#   other text, one part:     ucs2 URL-UTF-16BE      (<= 70 UTF-16 units)
#   anything longer:          udh-text UDH LITERAL-UTF-8 per part (<= 153
#                             septets or 67 UTF-16 units each)
# Note: Kannel 1.4.5's fake SMSC has no UCS-2 type with a UDH (udh-data comes
# out as coding=1, 8-BIT), so long non-GSM texts travel as UTF-8 udh-text.
# With mo-recode the application cannot tell the difference: it gets UTF-8
# and coding=0 either way.
_KMO_AWK='
BEGIN {
	for (i = 0; i < 256; i++)
		hex[sprintf("%02x", i)] = i
	# GSM 03.38 basic set beyond ASCII, and the extension table (2 septets).
	split("163 165 232 233 249 236 242 199 216 248 197 229 916 934 915 " \
	    "923 937 928 936 931 920 926 198 230 223 201 164 161 196 214 " \
	    "209 220 167 191 228 246 241 252 224", g, " ")
	for (i in g)
		gsm[g[i]] = 1
	split("123 125 91 93 126 92 94 124 8364", g, " ")
	for (i in g)
		ext[g[i]] = 1
}
{ for (i = 1; i <= NF; i++) b[nb++] = hex[$i] }
function enc(x) {
	if (x <= 32 || x == 37 || x == 43 || x == 127)
		return sprintf("%%%02X", x)
	return sprintf("%c", x)
}
function u16(v) {
	if (v < 65536)
		return enc(int(v / 256)) enc(v % 256)
	v -= 65536
	return u16(55296 + int(v / 1024)) u16(56320 + v % 1024)
}
function emit(type, udh, s, e,    k, out) {
	out = ""
	for (k = s; k < e; k++)
		out = out (type == "ucs2" ? u16s[k] : raw[k])
	print type " " (udh == "" ? "" : udh " ") out
}
END {
	n = 0
	for (i = 0; i < nb; i += l) {
		c = b[i]
		if (c < 128) { l = 1; v = c }
		else if (c >= 240) { l = 4; v = c - 240 }
		else if (c >= 224) { l = 3; v = c - 224 }
		else { l = 2; v = c - 192 }
		s = ""
		for (k = 0; k < l; k++)
			s = s sprintf("%c", b[i + k])
		for (k = 1; k < l; k++)
			v = v * 64 + b[i + k] - 128
		raw[n] = s; u16s[n] = u16(v)
		units[n] = v < 65536 ? 1 : 2
		sept[n] = ext[v] ? 2 : 1
		if (!((v >= 32 && v <= 126 && v != 96) || gsm[v] || ext[v]))
			nongsm = 1
		n++
	}
	# One part, when it fits both the SMS and the fakesmsc line.
	len = 0; cnt = 0
	for (k = 0; k < n; k++) {
		len += length(nongsm ? u16s[k] : raw[k])
		cnt += nongsm ? units[k] : sept[k]
	}
	if (cnt <= (nongsm ? 70 : 160) && len + 5 <= budget) {
		emit(nongsm ? "ucs2" : "text", "", 0, n)
		exit
	}
	# Parts: "udh-text %05%00%03%RR%TT%SS " is 28 bytes.
	max = nongsm ? 67 : 153
	room = budget - 28
	np = 0; s = 0; len = 0; cnt = 0
	for (k = 0; k < n; k++) {
		w = nongsm ? units[k] : sept[k]
		if (len + length(raw[k]) > room || cnt + w > max) {
			ps[np] = s; pe[np] = k; np++
			s = k; len = 0; cnt = 0
		}
		len += length(raw[k]); cnt += w
	}
	ps[np] = s; pe[np] = n; np++
	if (np > 255) {
		print "error too-long"
		exit 1
	}
	for (p = 0; p < np; p++)
		emit("udh-text", sprintf("%%05%%00%%03%%%02X%%%02X%%%02X", ref,
		    np, p + 1), ps[p], pe[p])
}'

# Sends one MO from FROM to TO through fakesmsc and returns once fakesmsc
# has passed every line of it to bearerbox (not once the application got
# it: wait for that on the application side).
kannel_mo() {
	[ $# -eq 3 ] || { _kerr "usage: kannel_mo FROM TO TEXT"; return 2; }
	[ -n "$KANNEL_FAKE_PID" ] || { _kerr "not started"; return 1; }
	case "$1$2" in
	*[!0-9+]*)	_kerr "FROM and TO must be digits and +"; return 2 ;;
	esac
	_k_ref=$(od -An -tu1 -N1 /dev/urandom | tr -d ' ')
	printf '%s' "$3" | od -An -tx1 -v | LC_ALL=C awk -v ref="$_k_ref" \
	    -v budget=$((250 - ${#1} - ${#2} - 2)) "$_KMO_AWK" \
	    > "$KANNEL_DIR/mo.lines" || { _kerr "cannot encode: $3"; return 1; }
	while IFS= read -r _k_l; do
		_kline "$1 $2 $_k_l" || return 1
	done < "$KANNEL_DIR/mo.lines"
}

# Prints the number of MT messages fakesmsc has received (its last
# "Got message N").
kannel_mt_count() {
	sed -n 's/.*Got message \([0-9]*\): <.*/\1/p' \
	    "$KANNEL_DIR/fakesmsc.log" | tail -n 1 | grep . || echo 0
}

# Prints the Nth MT decoded: FROM TO CODING TEXT (see mtdecode.c).
kannel_mt() {
	grep "Got message $1: <" "$KANNEL_DIR/fakesmsc.log" | head -n 1 |
	    "$KANNEL_BIN/mtdecode"
}

# Waits (up to $2 tenths of a second, default 100) for N MT messages.
kannel_wait_mt() {
	_kwait_nudge "$1 MT at fakesmsc" "${2:-100}" \
	    grep -q "Got message $1: <" "$KANNEL_DIR/fakesmsc.log"
}

# Sends an MT through sendsms (GET).  Non-ASCII text goes as
# coding=2&charset=UTF-8, as tinbao must.  Extra arguments go to curl
# (e.g. --data-urlencode dlr-mask=31).  Prints "STATUS BODY".
kannel_sendsms() {
	_ks_from=$1; _ks_to=$2; _ks_text=$3; shift 3
	case $_ks_text in
	*[!\ -~]*)	set -- --data-urlencode coding=2 \
			    --data-urlencode charset=UTF-8 "$@" ;;
	esac
	curl -s --max-time 10 -G -w ' %{http_code}' "$KANNEL_SENDSMS_URL" \
	    --data-urlencode "username=$KANNEL_USER" \
	    --data-urlencode "password=$KANNEL_PASS" \
	    --data-urlencode "from=$_ks_from" --data-urlencode "to=$_ks_to" \
	    --data-urlencode "text=$_ks_text" "$@" |
	    awk '{ body = body sep $0; sep = " " } END {
		n = split(body, w, " "); st = w[n]
		sub(/ *[0-9]+$/, "", body); print st, body }'
}

# Stops one process: SIGTERM, up to 10 s, then SIGKILL, each only after
# /proc/PID/cmdline shows it is still our program.
_kkill() {
	_kalive "$1" "$2" || return 0
	kill -TERM "$1" 2> /dev/null
	_kk_i=0
	while _kalive "$1" "$2" && [ "$_kk_i" -lt 100 ]; do
		sleep 0.1
		_kk_i=$((_kk_i + 1))
	done
	if _kalive "$1" "$2"; then
		_kerr "$2 ($1) ignored SIGTERM for 10 s, killing it"
		kill -KILL "$1" 2> /dev/null
	fi
	wait "$1" 2> /dev/null
	return 0
}

# Stops fakesmsc, the FIFO holder, smsbox and bearerbox, in that order.
# DIR and its logs stay for the caller's failure report.
kannel_stop() {
	_kkill "$KANNEL_FAKE_PID" fakesmsc
	_kkill "$KANNEL_HOLD_PID" sleep
	_kkill "$KANNEL_SMSBOX_PID" smsbox
	_kkill "$KANNEL_BB_PID" bearerbox
	KANNEL_FAKE_PID=""; KANNEL_HOLD_PID=""
	KANNEL_SMSBOX_PID=""; KANNEL_BB_PID=""
}
