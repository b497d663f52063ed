#!/bin/sh
# A clean Debian 12 root for the tests that try what a new user does (the
# fresh-clone step, the package's install and purge).  One small interface:
#
#   mkroot.sh create DIR     debootstrap --variant=minbase bookworm DIR from
#                            the mirror the host's apt uses, with the host's
#                            apt sources, its resolv.conf and local CA
#                            certificates, and a policy-rc.d that keeps
#                            packages from starting daemons (or a copy of
#                            such a root made once: MKROOT_CACHE, below)
#   mkroot.sh mount DIR      proc, a small tmpfs /dev (null zero full random
#                            urandom tty, ptmx -> pts/ptmx, shm) and a
#                            private devpts (newinstance); never the host's /dev
#   mkroot.sh run DIR CMD..  CMD in DIR as root with a clean environment
#                            (DEBIAN_FRONTEND=noninteractive, and any
#                            MKROOT_ENV="A=1 B=2"), in its own PID namespace
#                            (whatever CMD leaves running dies with it) and
#                            mount namespace (its own /proc, so that /proc/PID
#                            matches the PIDs it sees; what it mounts goes
#                            away with it)
#   mkroot.sh umount DIR     every mount under DIR, deepest first; succeeds
#                            when nothing is mounted there
#   mkroot.sh destroy DIR    umount, then rm -rf (refuses while mounted)
#
# MKROOT_MIRROR overrides the mirror; MKROOT_SUITE (bookworm) the suite.
# MKROOT_CACHE=DIR makes the root once for several: the first create
# debootstraps into DIR/root (never mounted, never run in) and every create
# copies that pristine root (cp -a, under a second), so that CI's test-fresh
# and test-deb start from the same clean root made once (debootstrap takes
# about 25 s).  The caller removes DIR.
# Needs root, debootstrap and util-linux's unshare.
set -eu

die() { echo "mkroot: $*" >&2; exit 1; }

# The first Debian URI the host's apt uses for the suite, from the one-line
# sources.list format or the deb822 *.sources format.
host_mirror() {
	suite=$1
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s="$suite" '$1 == "deb" {
			sub(/^deb[ \t]+(\[[^]]*\][ \t]+)?/, "")
			if ($2 == s) { print $1; exit }
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$suite" '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " s " ") && uri != "")
				{ print uri; found = 1 }
			types = suites = uri = ""
		}
		/^[ \t]*$/ { flush(); if (found) exit; next }
		/^#/ { next }
		tolower($1) == "types:" { types = substr($0, index($0, ":") + 2) }
		tolower($1) == "suites:" { suites = substr($0, index($0, ":") + 2) }
		tolower($1) == "uris:" { uri = $2 }
		END { if (!found) flush() }' "$f"
	done | head -n 1
}

# Replaces the root's apt sources with the host's (and the keyrings their
# Signed-By fields name), so that the root sees the same archive.
copy_sources() {
	d=$1
	rm -f "$d/etc/apt/sources.list" "$d"/etc/apt/sources.list.d/*.list \
	    "$d"/etc/apt/sources.list.d/*.sources
	[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$d/etc/apt/"
	for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		cp "$f" "$d/etc/apt/sources.list.d/"
		for k in $(sed -n 's/^Signed-By:[ \t]*\(\/[^ ]*\).*/\1/p; s/.*signed-by=\(\/[^] ]*\).*/\1/p' "$f"); do
			[ -f "$k" ] && [ ! -f "$d$k" ] &&
			    { mkdir -p "$d$(dirname "$k")"; cp "$k" "$d$k"; }
		done
	done
	return 0
}

cmd_create() {
	d=$1
	suite=${MKROOT_SUITE:-bookworm}
	command -v debootstrap > /dev/null || die "debootstrap is not installed"
	[ ! -e "$d" ] || [ -z "$(ls -A "$d")" ] || die "$d exists and is not empty"
	mirror=${MKROOT_MIRROR:-$(host_mirror "$suite")}
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	if [ -n "${MKROOT_CACHE:-}" ]; then
		c=$MKROOT_CACHE
		dest=$d		# copy_sources sets d
		want="$suite $mirror"
		mkdir -p "$c"
		exec 9> "$c/lock"
		flock 9		# one create makes it, another waits
		if [ ! -f "$c/made" ]; then
			rm -rf --one-file-system "$c/root"
			make_root "$c/root" "$suite" "$mirror"
			echo "$want" > "$c/made"
		fi
		[ "$(cat "$c/made")" = "$want" ] ||
		    die "$c holds a root of $(cat "$c/made"), not of $want"
		mkdir -p "$dest"
		cp -a "$c/root/." "$dest/"
		exec 9>&-
		echo "mkroot: $dest copied from the root made once in $c"
		return 0
	fi
	make_root "$d" "$suite" "$mirror"
}

# make_root DIR SUITE MIRROR: debootstrap and the host's settings (its own
# variable names: sh has no locals).
make_root() {
	r=$1; suite=$2; mirror=$3
	echo "mkroot: debootstrap --variant=minbase $suite $r $mirror"
	debootstrap --variant=minbase "$suite" "$r" "$mirror" > "$r.debootstrap.log" 2>&1 || {
		tail -n 20 "$r.debootstrap.log" >&2; die "debootstrap failed (log in $r.debootstrap.log)"
	}
	rm -f "$r.debootstrap.log"
	copy_sources "$r"
	cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
	# The machine's local CAs (a proxy's, say), which the root's
	# ca-certificates takes in when a package installs it: HTTPS from the
	# root (npm) goes through the same network as the host's.
	if ls /usr/local/share/ca-certificates/*.crt > /dev/null 2>&1; then
		mkdir -p "$r/usr/local/share/ca-certificates"
		cp /usr/local/share/ca-certificates/*.crt "$r/usr/local/share/ca-certificates/"
	fi
	# A package's postinst must not start its daemon in a build root.
	printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"
	chmod 0755 "$r/usr/sbin/policy-rc.d"
}

cmd_mount() {
	d=$1
	[ -d "$d/etc" ] || die "$d is not a root"
	mountpoint -q "$d/proc" || mount -t proc -o nosuid,nodev,noexec proc "$d/proc"
	if ! mountpoint -q "$d/dev"; then
		mount -t tmpfs -o mode=0755,size=1m,nosuid mkroot-dev "$d/dev"
		mknod -m 0666 "$d/dev/null" c 1 3
		mknod -m 0666 "$d/dev/zero" c 1 5
		mknod -m 0666 "$d/dev/full" c 1 7
		mknod -m 0666 "$d/dev/random" c 1 8
		mknod -m 0666 "$d/dev/urandom" c 1 9
		mknod -m 0666 "$d/dev/tty" c 5 0
		ln -s /proc/self/fd "$d/dev/fd"
		ln -s /proc/self/fd/0 "$d/dev/stdin"
		ln -s /proc/self/fd/1 "$d/dev/stdout"
		ln -s /proc/self/fd/2 "$d/dev/stderr"
		ln -s pts/ptmx "$d/dev/ptmx"
		mkdir -m 0755 "$d/dev/pts"
		mkdir -m 1777 "$d/dev/shm"
		mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec \
		    mkroot-devpts "$d/dev/pts"
		mount -t tmpfs -o mode=1777,size=64m,nosuid,nodev mkroot-shm "$d/dev/shm"
	fi
	cp /etc/resolv.conf "$d/etc/resolv.conf" 2>/dev/null || true
}

# The mount points under DIR, deepest first.
mounts_under() {
	abs=$(cd "$1" && pwd -P)
	awk -v p="$abs" '$2 == p || index($2, p "/") == 1 { print $2 }' /proc/self/mounts |
	    sort -r
}

cmd_umount() {
	d=$1
	[ -d "$d" ] || return 0
	for m in $(mounts_under "$d"); do
		umount "$m" || die "cannot unmount $m"
	done
	[ -z "$(mounts_under "$d")" ] || die "still mounted under $d"
}

cmd_run() {
	d=$1; shift
	[ -d "$d/proc/self" ] || die "$d is not mounted (mkroot.sh mount $d)"
	# shellcheck disable=SC2086
	exec unshare --pid --fork --kill-child --mount-proc="$d/proc" \
	    chroot "$d" /usr/bin/env -i \
	    HOME=/root TERM=dumb LANG=C.UTF-8 \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    DEBIAN_FRONTEND=noninteractive ${MKROOT_ENV:-} "$@"
}

cmd_destroy() {
	d=$1
	[ -e "$d" ] || return 0
	cmd_umount "$d"
	rm -rf --one-file-system "$d"
}

[ $# -ge 2 ] || die "usage: mkroot.sh create|mount|run|umount|destroy DIR [CMD...]"
[ "$(id -u)" -eq 0 ] || die "needs root"
verb=$1; dir=$2; shift 2
case $dir in
/|"") die "refusing DIR '$dir'" ;;
esac
case $verb in
create)		cmd_create "$dir" ;;
mount)		cmd_mount "$dir" ;;
run)		cmd_run "$dir" "$@" ;;
umount)		cmd_umount "$dir" ;;
destroy)	cmd_destroy "$dir" ;;
*)		die "unknown verb $verb" ;;
esac
