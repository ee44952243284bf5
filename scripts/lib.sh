# SPDX-License-Identifier: Apache-2.0
# Shared by the scripts: run as root, and install Debian packages so that
# the host is left as it was. Installing a package may enable a unit at
# boot (rsyslog, postgresql, ulogd2, fail2ban, logrotate.timer), create a
# PostgreSQL cluster (postgresql-common's "main") or write a file into the
# system rsyslog's /etc/rsyslog.d (rsyslog-pgsql's dbconfig snippet, which
# would send every message to a database that is not there). apt_install
# starts no service while it installs, and afterwards undoes each of these
# that the installation did, naming it; what was there before stays.

# as_root ARGS...: go on as root; a user with sudo is asked through sudo,
# so the same command works in a root shell and for a sudo user. Called
# from the top directory by a script of scripts/.
as_root() {
	[ "$(id -u)" = 0 ] && return 0
	if command -v sudo > /dev/null; then exec sudo -- "$PWD/scripts/$(basename "$0")" "$@"; fi
	echo "$(basename "$0"): run as root: it creates network namespaces and installs packages with apt" >&2
	exit 2
}

installed() { dpkg-query -W -f='${Status}\n' "$1" 2> /dev/null | grep -q "install ok installed"; }

# the units enabled at boot, one a line
enabled_units() {
	command -v systemctl > /dev/null || return 0
	systemctl list-unit-files --state=enabled --no-legend --no-pager 2> /dev/null | awk '{print $1}' | sort
}

rsyslog_d_files() { find /etc/rsyslog.d -mindepth 1 2> /dev/null | sort; }

# the PostgreSQL clusters, "VERSION NAME" a line
pg_clusters() {
	command -v pg_lsclusters > /dev/null || return 0
	pg_lsclusters -h 2> /dev/null | awk '{print $1, $2}' | sort
}

# host_state: what a set-up must leave as it found it
host_state() {
	echo "# enabled units"
	enabled_units
	echo "# /etc/rsyslog.d"
	rsyslog_d_files
	echo "# PostgreSQL clusters"
	pg_clusters
}

# No daemon started by package scripts while we install: a policy-rc.d of
# ours (invoke-rc.d asks it), removed however the script ends. One the
# admin put there is left alone.
deny_service_starts() {
	[ -e /usr/sbin/policy-rc.d ] && return 0
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
}

# undo_install_effects UNITS RSYSLOG_D CLUSTERS: what the installation
# enabled, wrote or created since those lists were taken
undo_install_effects() {
	local u f c
	for u in $(comm -13 <(echo "$1") <(enabled_units)); do
		systemctl disable --no-reload -q "$u" 2> /dev/null || systemctl disable -q "$u"
		echo "$(basename "$0"): $u was enabled at boot by its package's installation: disabled again, as it was"
	done
	for f in $(comm -13 <(echo "$2") <(rsyslog_d_files)); do
		rm -rf "$f"
		echo "$(basename "$0"): removed $f, which a package's installation wrote into the system rsyslog's configuration"
	done
	comm -13 <(echo "$3") <(pg_clusters) | while read -r v c; do
		pg_dropcluster --stop "$v" "$c"
		echo "$(basename "$0"): dropped PostgreSQL cluster $v/$c, which postgresql's installation created (the tests make their own)"
	done
}

# apt_install LOG ARGS...: apt-get ARGS (install or build-dep), with no
# service started, and its effects on units, /etc/rsyslog.d and clusters
# undone
apt_install() {
	local log=$1 units rsd clusters
	shift
	units=$(enabled_units) rsd=$(rsyslog_d_files) clusters=$(pg_clusters)
	export DEBIAN_FRONTEND=noninteractive
	# rsyslog-pgsql would set up a database of its own through dbconfig
	echo "rsyslog-pgsql rsyslog-pgsql/dbconfig-install boolean false" | debconf-set-selections
	deny_service_starts
	apt-get -y -qq "$@" >> "$log" 2>&1 || { tail -n 20 "$log" >&2; echo "$(basename "$0"): apt-get $* failed, see $log" >&2; return 1; }
	undo_install_effects "$units" "$rsd" "$clusters"
}
