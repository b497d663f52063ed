#!/bin/sh
# `make test-deb`: the Debian package as a district office gets it.
#
# 1. `make deb` (debian/, debhelper) and `lintian` on the .deb: no error
#    (warnings and notes are printed, not failed on).
# 2. In a clean Debian 12 root (tests/tools/mkroot.sh: debootstrap minbase
#    from the host's mirror, a private /dev and devpts, chroot in its own
#    PID namespace), which has none of tinbao's libraries:
#    `apt-get install ./tinbao_*.deb`, its Depends resolved from the
#    mirror.  Checked: the binary runs and finds every library, the man
#    page, the unit (pointing at /usr/bin), the udev template and the
#    example configuration are there; the system user tinbao (no login
#    shell) and /var/lib/tinbao (0750 tinbao:tinbao), /etc/tinbao
#    (0750 root:tinbao); the unit is not enabled (no symlink; after
#    systemd is installed, `systemctl is-enabled` says disabled) and no
#    tinbao process runs.  The service is never started: the root has no
#    running systemd, and the postinst's start goes through
#    deb-systemd-invoke, which does not start a disabled unit.
# 3. `tinbao setup` in the root, as root, on libGammu's dummy phone with
#    the sample directory: the configuration (root:tinbao 0640), the
#    database and the key file (the tinbao user's), check-config as that
#    user.
# 4. `apt-get remove`: the configuration, the database and the user stay.
#    `dpkg --purge`: no /var/lib/tinbao, no /etc/tinbao, no user or group
#    (the shadow tools' /etc/passwd- style backups keep the old line, as
#    for any removed user), no systemd state, and no file of the root's
#    names tinbao that was not there before the install.
#
# Needs root and debootstrap.  The root lives under $DEB_TEST_DIR (a new
# folder in ${TMPDIR:-/var/tmp}); it is unmounted and removed on every
# exit (DEB_TEST_KEEP=1 keeps it, unmounted).  Each step runs under
# `timeout` (DEB_TEST_TIMEOUT, 900 s).
set -eu
cd "$(dirname "$0")/../.."
TOP=$(pwd)
MKROOT=$TOP/tests/tools/mkroot.sh
TIMEOUT=${DEB_TEST_TIMEOUT:-900}
[ "$(id -u)" -eq 0 ] || { echo "deb-test: needs root (debootstrap, chroot)" >&2; exit 2; }
for t in debootstrap lintian dh; do
	command -v $t > /dev/null ||
	    { echo "deb-test: $t is not installed (make deps)" >&2; exit 2; }
done
DIR=${DEB_TEST_DIR:-$(mktemp -d "${TMPDIR:-/var/tmp}/tinbao-deb.XXXXXX")}
ROOT=$DIR/root
LOG=$DIR/logs
mkdir -p "$LOG"
STEP_PID=""
FAILED=0

cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ -n "$STEP_PID" ]; then
		kill -TERM "$STEP_PID" 2>/dev/null || true
		wait "$STEP_PID" 2>/dev/null || true
	fi
	sh "$MKROOT" umount "$ROOT" || rc=1
	if [ "${DEB_TEST_KEEP:-0}" = 1 ]; then
		echo "deb-test: kept $DIR"
	elif [ $rc -eq 0 ]; then
		sh "$MKROOT" destroy "$ROOT" && rm -rf "$DIR"
	else
		sh "$MKROOT" destroy "$ROOT"
		echo "deb-test: FAILED (logs in $LOG)" >&2
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs "$@" under timeout in the background (a signal stops it by its
# PID), its output in the named log; on failure, shows the log's tail.
step() {
	name=$1; shift
	timeout "$TIMEOUT" "$@" > "$LOG/$name.log" 2>&1 &
	STEP_PID=$!
	if wait "$STEP_PID"; then STEP_PID=""; return 0; fi
	rc=$?; STEP_PID=""
	echo "deb-test: $name failed (status $rc); its last lines:" >&2
	tail -n 30 "$LOG/$name.log" >&2
	return $rc
}

# A shell command in the root; its output on stdout.
inroot() {
	sh "$MKROOT" run "$ROOT" sh -c "$1"
}

fail() {
	echo "FAIL deb-test: $*" >&2
	FAILED=1
}

# eq WHAT GOT WANT
eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# The root's files whose path names tinbao (not /tmp, where the test's
# own inputs are, nor the package's cached copy).
tinbao_files() {
	(cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./dev -o \
	    -path ./tmp \) -prune -o -name '*tinbao*' -print) | sort
}

now() { date +%s; }
T0=$(now)

# 1. The package and lintian.
step make-deb make deb
DEB=$(ls tinbao_*_*.deb)
echo "deb-test: built $DEB ($(($(now) - T0)) s)"
lintian --fail-on error "$DEB" > "$LOG/lintian.log" 2>&1 ||
    { cat "$LOG/lintian.log" >&2; fail "lintian reports errors"; exit 1; }
echo "deb-test: lintian: no error ($(grep -c '^W:' "$LOG/lintian.log" || true) warning(s), $(grep -c '^[IP]:' "$LOG/lintian.log" || true) note(s))"
sed -n '/^[WIP]:/s/^/  /p' "$LOG/lintian.log"

# 2. A clean root, the install and its checks.
T1=$(now)
step mkroot sh "$MKROOT" create "$ROOT"
step mount sh "$MKROOT" mount "$ROOT"
echo "deb-test: clean Debian 12 root ready ($(($(now) - T1)) s)"
tinbao_files > "$LOG/before.files"
cp "$DEB" "$ROOT/tmp/"
step install sh "$MKROOT" run "$ROOT" sh -c "apt-get update -q && apt-get install -y -q /tmp/$DEB &&
    { for p in /proc/[0-9]*; do readlink \$p/exe; done | grep -c /usr/bin/tinbao || true; }"
eq "tinbao processes after install" "$(tail -n 1 "$LOG/install.log")" 0
echo "deb-test: installed with its Depends from the mirror ($(grep -c '^Setting up' "$LOG/install.log") packages)"

eq "version" "$(inroot 'tinbao version' | cut -d' ' -f1)" tinbao
eq "libraries not found" "$(inroot 'ldd /usr/bin/tinbao | grep -c "not found"' || true)" 0
for f in /usr/bin/tinbao /usr/share/man/man8/tinbao.8.gz \
    /lib/systemd/system/tinbao.service /usr/share/tinbao/99-tinbao-modem.rules \
    /usr/share/tinbao/tinbao.conf.example /usr/share/doc/tinbao/copyright; do
	[ -f "$ROOT$f" ] || fail "$f is not installed"
done
eq "unit's ExecStart" "$(sed -n 's/^ExecStart=//p' "$ROOT/lib/systemd/system/tinbao.service")" \
    "/usr/bin/tinbao -c /etc/tinbao/tinbao.conf serve"
eq "no configuration shipped" "$(ls "$ROOT/etc/tinbao")" ""
eq "user" "$(inroot 'getent passwd tinbao | cut -d: -f6,7')" \
    "/var/lib/tinbao:/usr/sbin/nologin"
eq "system user" "$(inroot '[ $(id -u tinbao) -lt 1000 ] && echo yes')" yes
eq "/var/lib/tinbao" "$(inroot 'stat -c "%a %U %G" /var/lib/tinbao')" "750 tinbao tinbao"
eq "/etc/tinbao" "$(inroot 'stat -c "%a %U %G" /etc/tinbao')" "750 root tinbao"
eq "unit enabled by a symlink" "$(find "$ROOT/etc/systemd" -name 'tinbao*' 2>/dev/null)" ""
step systemd sh "$MKROOT" run "$ROOT" sh -c "apt-get install -y -q --no-install-recommends systemd"
eq "systemctl is-enabled" "$(inroot 'systemctl is-enabled tinbao.service' || true)" disabled
echo "deb-test: files, user, folders and unit (disabled) checked ($(($(now) - T1)) s)"

# 3. tinbao setup, as the README has a new office run it.
cp deploy/sample/schools.csv tests/data/contacts.csv "$ROOT/tmp/"
mkdir -p "$ROOT/tmp/phone"
echo "a password for the test" > "$ROOT/tmp/admin.pw"
step setup sh "$MKROOT" run "$ROOT" sh -c "tinbao setup --device /tmp/phone --connection none \
    --model dummy --district 'Thủ Thừa' --schools /tmp/schools.csv \
    --contacts /tmp/contacts.csv --password-file /tmp/admin.pw"
grep -q "check-config, as user tinbao" "$LOG/setup.log" ||
    fail "setup did not check the configuration as tinbao"
eq "check-config" "$(grep -x ok "$LOG/setup.log")" ok
eq "configuration" "$(inroot 'stat -c "%a %U %G" /etc/tinbao/tinbao.conf')" "640 root tinbao"
eq "database" "$(inroot 'stat -c "%U %G" /var/lib/tinbao/tinbao.db')" "tinbao tinbao"
eq "key file" "$(inroot 'stat -c "%a %U" /var/lib/tinbao/secret.key')" "600 tinbao"
eq "check-config by the service user" \
    "$(inroot 'setpriv --reuid=tinbao --regid=tinbao --clear-groups tinbao check-config')" ok
echo "deb-test: tinbao setup checked"

# 4. remove keeps the data; purge leaves nothing.
step remove sh "$MKROOT" run "$ROOT" sh -c "apt-get remove -y -q tinbao"
[ ! -e "$ROOT/usr/bin/tinbao" ] || fail "remove left /usr/bin/tinbao"
[ -f "$ROOT/var/lib/tinbao/tinbao.db" ] || fail "remove deleted the database"
[ -f "$ROOT/etc/tinbao/tinbao.conf" ] || fail "remove deleted the configuration"
eq "user after remove" "$(inroot 'getent passwd tinbao | cut -d: -f1')" tinbao
step purge sh "$MKROOT" run "$ROOT" sh -c "dpkg --purge tinbao"
for f in /var/lib/tinbao /etc/tinbao; do
	[ ! -e "$ROOT$f" ] || fail "purge left $f"
done
eq "user after purge" "$(inroot 'getent passwd tinbao || true')" ""
eq "group after purge" "$(inroot 'getent group tinbao || true')" ""
eq "dpkg status" "$(inroot 'dpkg-query -W -f="\${Status}" tinbao 2>/dev/null || true')" ""
eq "systemd state" "$(grep -rl tinbao "$ROOT/var/lib/systemd" 2>/dev/null || true)" ""
tinbao_files > "$LOG/after.files"
eq "files left" "$(comm -13 "$LOG/before.files" "$LOG/after.files" | tr '\n' ' ')" ""
[ $FAILED -eq 0 ] || exit 1
echo "deb-test: remove kept the data, purge left nothing"
echo "deb-test: ok ($(($(now) - T0)) s)"
