#!/bin/sh
# `make test-fresh`: the README's "Two commands" as a new user runs them, on
# a machine that has nothing and a clone that has nothing beside it.
#
# 1. In a clean Debian 12 root (tests/tools/mkroot.sh: debootstrap minbase
#    from the host's mirror, a private /dev and devpts, chroot in its own PID
#    namespace): `apt-get install git make` as the README tells a user, a
#    `git clone` of this checkout's HEAD (through a bundle, the only file
#    copied in) to /root/tinbao with nothing beside it, then the README's
#    first command as written, `make deps run`, with the demo's
#    non-interactive switch TINBAO_DEMO_EXIT=1 (and TINBAO_DEMO_LISTEN on a
#    free port: the root shares the host's network).  It fails unless the
#    demo shows the report's school, the alerts sent to the commune's police,
#    the principal and the Bureau, and the acknowledgement sent to the pupil.
# 2. On the host, to save installing the tests' packages (Kannel, Chromium,
#    valgrind, ...) in the root: the README's test command as written,
#    `make deps test`, in a temporary clone of the same HEAD with nothing
#    beside it (`make deps` finds every package there and installs nothing
#    when CI has run it).  FRESH_TEST=root runs it in the root's clone after
#    the demo instead (a few minutes more: the packages, and a cold build);
#    FRESH_TEST=0 skips it, and FRESH_ROOT=0 skips step 1: CI runs the two
#    steps as two calls, with the sanitizer run beside step 2 (.ci/run).
#
# Committed work only: the clones are of HEAD.  Needs root and debootstrap.
# The root lives under $FRESH_DIR (a new folder in ${TMPDIR:-/var/tmp}); it
# is unmounted and removed on every exit, FRESH_KEEP=1 keeps it (unmounted)
# for a look.  Each step runs under `timeout` (FRESH_TIMEOUT, 1200 s) and is
# stopped by its PID on a signal.
set -eu
cd "$(dirname "$0")/../.."
TOP=$(pwd)
MKROOT=$TOP/tests/tools/mkroot.sh
TIMEOUT=${FRESH_TIMEOUT:-1200}
ROOTSTEP=${FRESH_ROOT:-1}
case ${FRESH_TEST:-host} in root) ROOTSTEP=1 ;; esac
if [ "$ROOTSTEP" != 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "fresh-clone: needs root (debootstrap, chroot)" >&2; exit 2; }
	command -v debootstrap > /dev/null || {
		echo "fresh-clone: installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap > /dev/null
	}
fi
TMPBASE=${TMPDIR:-/var/tmp}
DIR=${FRESH_DIR:-$(mktemp -d "$TMPBASE/tinbao-fresh.XXXXXX")}
ROOT=$DIR/root
LOG=$DIR/logs
mkdir -p "$LOG"
STEP_PID=""

destroy_root() {
	[ ! -e "$ROOT" ] || sh "$MKROOT" destroy "$ROOT"
}

cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ -n "$STEP_PID" ]; then
		kill -TERM "$STEP_PID" 2>/dev/null || true
		wait "$STEP_PID" 2>/dev/null || true
	fi
	if [ -e "$ROOT" ]; then
		sh "$MKROOT" umount "$ROOT" || rc=1
	fi
	if [ "${FRESH_KEEP:-0}" = 1 ]; then
		echo "fresh-clone: kept $DIR"
	elif [ $rc -eq 0 ]; then
		destroy_root && rm -rf "$DIR"
	else
		# Keep the logs of a failure, not the root.
		destroy_root && rm -rf "$DIR/tinbao" "$DIR/tinbao.bundle"
		echo "fresh-clone: FAILED (logs in $LOG)" >&2
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs "$@" under timeout in the background, so that a signal stops it by
# its PID; output to the named log and the terminal's tail.
step() {
	name=$1; shift
	timeout "$TIMEOUT" "$@" > "$LOG/$name.log" 2>&1 &
	STEP_PID=$!
	wait "$STEP_PID" && rc=0 || rc=$?
	STEP_PID=""
	[ "$rc" -ne 0 ] || return 0
	echo "fresh-clone: $name failed (status $rc); its failures and last lines:" >&2
	grep -E "^FAIL" "$LOG/$name.log" | sort -u | head -n 20 >&2 || true
	tail -n 30 "$LOG/$name.log" >&2
	return "$rc"
}

now() { date +%s; }
T0=$(now)
# The checkout may belong to another user than root (CI's runner).
GIT="git -c safe.directory=$TOP"
SHA=$($GIT rev-parse HEAD)
$GIT bundle create "$DIR/tinbao.bundle" HEAD 2> /dev/null
echo "fresh-clone: $SHA in $DIR"
[ -z "$($GIT status --porcelain --untracked-files=no)" ] ||
    echo "fresh-clone: warning: uncommitted changes are not tested (the clones are of HEAD)"

T1=$T0; T2=$T0; T3=$T0; T4=$T0
if [ "$ROOTSTEP" != 0 ]; then
# 1. The README's first command in a clean root.
step mkroot sh "$MKROOT" create "$ROOT"
sh "$MKROOT" mount "$ROOT"
T1=$(now)
echo "fresh-clone: root made in $((T1 - T0)) s; apt-get install git make"
step tools sh "$MKROOT" run "$ROOT" sh -c 'apt-get update && apt-get install -y git make'
cp "$DIR/tinbao.bundle" "$ROOT/tmp/tinbao.bundle"
step clone sh "$MKROOT" run "$ROOT" sh -c \
    'cd /root && git -c advice.detachedHead=false clone /tmp/tinbao.bundle tinbao && rm /tmp/tinbao.bundle && ls -A /root'
[ "$(tail -n 1 "$LOG/clone.log")" = tinbao ] || { echo "fresh-clone: /root holds more than the clone"; exit 1; }
T2=$(now)
echo "fresh-clone: cloned in $((T2 - T1)) s; make deps run"
step run sh "$MKROOT" run "$ROOT" sh -c \
    'cd /root/tinbao && TINBAO_DEMO_EXIT=1 TINBAO_DEMO_LISTEN=127.0.0.1:0 make deps run'
T3=$(now)
echo "fresh-clone: make deps run took $((T3 - T2)) s"

# What the demo must show: the case with its school, an alert queued for
# and sent to each of the commune's police, the principal and the Bureau,
# and the acknowledgement sent to the pupil (by reference, with the code).
out=$LOG/run.log
fails=0
expect() {
	if grep -q -E -- "$2" "$out"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
code=$(sed -n 's/^== tinbao show \([A-Z0-9]*\):$/\1/p' "$out" | head -n 1)
expect "a case code" "^== tinbao show [A-Z0-9]+:"
expect "the school MP2" "^school +MP2"
for role in police principal bureau; do
	expect "alert queued for the $role" "alert_queued .* to=$role:[0-9]+ "
done
n=$(grep -c -E "^alert\|\+84[0-9]+\|sent\|.*${code:-X}" "$out" || true)
if [ "$n" -eq 3 ]; then echo "ok   3 alerts sent"; else echo "FAIL 3 alerts sent: $n"; fails=$((fails + 1)); fi
expect "acknowledgement sent to the pupil" "^ack\|reporter [A-Z0-9-]+\|sent\|.*${code:-X}"
if grep -q -E "warning: case=.*no contact|^school +-$" "$out"; then
	echo "FAIL the demo warns of a missing directory"; fails=$((fails + 1))
fi
[ $fails -eq 0 ] || { echo "fresh-clone: the demo's output (in $out):"; sed -n '/^== the gateway/,$p' "$out"; exit 1; }
T4=$(now)
fi

# 2. The README's test command in a clone with nothing beside it: the same
# clone in the root after the demo, as a user goes on (FRESH_TEST=root), or
# a new one on the host (FRESH_TEST=host, the default).
case ${FRESH_TEST:-host} in
root)
	echo "fresh-clone: make deps test in the root's clone"
	step test sh "$MKROOT" run "$ROOT" sh -c 'cd /root/tinbao && make deps test'
	grep -E "^(unit|regress): " "$LOG/test.log" || tail -n 3 "$LOG/test.log"
	;;
esac
if [ "$ROOTSTEP" != 0 ]; then
	sh "$MKROOT" umount "$ROOT"
	sh "$MKROOT" destroy "$ROOT"
fi
if [ "${FRESH_TEST:-host}" = host ]; then
	git -c advice.detachedHead=false clone -q "$DIR/tinbao.bundle" "$DIR/tinbao"
	[ "$(ls -A "$DIR")" = "$(printf 'logs\ntinbao\ntinbao.bundle')" ] ||
	    { echo "fresh-clone: $DIR holds more than the clone"; exit 1; }
	echo "fresh-clone: make deps test in $DIR/tinbao"
	step test sh -c "cd '$DIR/tinbao' && make deps test"
	grep -E "^(unit|regress): " "$LOG/test.log" || tail -n 3 "$LOG/test.log"
fi
T5=$(now)
if [ "$ROOTSTEP" != 0 ]; then
	echo "fresh-clone: passed: root $((T1 - T0)) s, git and make and clone $((T2 - T1)) s," \
	    "make deps run $((T3 - T2)) s, make deps test $((T5 - T4)) s, total $((T5 - T0)) s"
else
	echo "fresh-clone: passed: make deps test $((T5 - T4)) s"
fi
