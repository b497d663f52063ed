#!/bin/sh
# Installs the Debian packages that the build, the tests and the demo need.
# Idempotent: packages already present are left alone, and the package lists
# are refreshed once per run only when something is missing.
#
#   deps.sh run    what the build and `make run` need (`make deps run`)
#   deps.sh deb    what `make deb` needs: the build's and debhelper
#   deps.sh [all]  that, and what the tests, benchmarks and fuzzers need
set -e
PKGS_RUN="build-essential pkg-config
libgammu-dev libevent-dev libsqlite3-dev sqlite3 libutf8proc-dev
libsodium-dev libjansson-dev libcsv-dev libxlsxwriter-dev zlib1g-dev jq"
PKGS="$PKGS_RUN clang llvm gammu libcmocka-dev procps curl man-db
kannel kannel-extras iproute2 valgrind systemd python3
chromium prometheus gammu-smsd
debhelper lintian debootstrap"
case ${1:-all} in
run)	PKGS=$PKGS_RUN ;;
deb)	PKGS="$PKGS_RUN debhelper" ;;
all)	;;
*)	echo "usage: deps.sh [run|deb|all]" >&2; exit 2 ;;
esac
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing$missing"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $missing
[ "${1:-all}" = all ] || exit 0
# The browser test drives chromium with playwright-core from npm; Node.js
# comes with the machine and is installed from Debian only when missing.
if ! command -v npm > /dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y nodejs npm
fi
# gammu-smsd and prometheus are a benchmark baseline and a format checker
# here, not services.
for svc in gammu-smsd prometheus prometheus-node-exporter; do
	$SUDO service "$svc" stop > /dev/null 2>&1 || true
	$SUDO update-rc.d "$svc" disable > /dev/null 2>&1 || true
done
# Kannel is a test peer here, not a service: the package starts its daemon
# on install (bearerbox on port 13000); stop it and keep it from starting
# at boot.  The tests run their own on free ports.
case " $missing " in
*" kannel "*)
	$SUDO service kannel stop > /dev/null 2>&1 || true
	$SUDO update-rc.d kannel disable > /dev/null 2>&1 || true
	;;
esac
