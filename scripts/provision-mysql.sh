#!/usr/bin/env bash
# Makes a MySQL server available to rwsplit's local test cluster, and does nothing when one is.
#
# Order of preference:
#   1. RWSPLIT_MYSQLD names a mysqld binary (MySQL 8.0 or newer): it is checked and used.
#   2. A MySQL 8.0+ mysqld on PATH: used as it is.
#   3. The cached Debian sid chroot (RWSPLIT_MYSQL_CHROOT, default ~/.cache/rwsplit/mysql-sid)
#      holding Debian's mysql-server-core: used as it is (a second run takes seconds).
#   4. Otherwise the chroot is built with debootstrap from the Debian mirror this machine's apt
#      already uses. Debian stable ships no MySQL server, only sid does, and sid's build needs a
#      newer C library than stable has, hence a chroot rather than a package install.
#
# Safe to run concurrently (a lock serialises builders) and idempotent. Exit status 0 means a
# server is ready; anything else comes with a message naming what is missing.
set -euo pipefail

# The same rule as the Java side (MySqlInstallation.chrootDirectory): XDG_CACHE_HOME, else $HOME,
# else the account's home from the password database, so that one machine keeps one 640 MB copy.
home_dir="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
cache_root="${XDG_CACHE_HOME:-$home_dir/.cache}/rwsplit"
chroot_dir="${RWSPLIT_MYSQL_CHROOT:-$cache_root/mysql-sid}"
marker="$chroot_dir/.rwsplit-ready"
# Where the chroot is, for tests that check the Java side resolves the same directory.
if [ "${1:-}" = --print-chroot ]; then
  printf '%s\n' "$chroot_dir"
  exit 0
fi

say() { printf 'provision-mysql: %s\n' "$*" >&2; }

fail() {
  say "$1"
  cat >&2 <<'TXT'
provision-mysql: rwsplit's tests and sample app need a MySQL 8.0+ server. Other ways to give them one:
  - install MySQL 8.0+ and put its mysqld on PATH, or set RWSPLIT_MYSQLD=/path/to/mysqld;
  - on a machine with a Docker engine, set RWSPLIT_CLUSTER_PROVIDER=docker (Testcontainers);
  - run the sample app against servers you already have by setting rwsplit.primary.url and
    rwsplit.replicas.* (see docs/development.md).
TXT
  exit 1
}

# Prints "major.minor" of a MySQL mysqld, or nothing when the binary is not MySQL 8.0+.
mysql_version_of() {
  local out
  out=$("$@" --version 2>/dev/null) || return 0
  case "$out" in *MariaDB*) return 0 ;; esac
  local v
  v=$(printf '%s\n' "$out" | sed -n 's/.*Ver \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n 1)
  [ -n "$v" ] && [ "${v%%.*}" -ge 8 ] && printf '%s\n' "$v"
  return 0
}

if [ -n "${RWSPLIT_MYSQLD:-}" ]; then
  [ -x "$RWSPLIT_MYSQLD" ] || fail "RWSPLIT_MYSQLD=$RWSPLIT_MYSQLD is not an executable file."
  v=$(mysql_version_of "$RWSPLIT_MYSQLD")
  [ -n "$v" ] || fail "RWSPLIT_MYSQLD=$RWSPLIT_MYSQLD is not a MySQL 8.0+ mysqld (MariaDB is not supported)."
  say "using RWSPLIT_MYSQLD=$RWSPLIT_MYSQLD (MySQL $v)"
  exit 0
fi

if path_mysqld=$(command -v mysqld 2>/dev/null); then
  v=$(mysql_version_of "$path_mysqld")
  if [ -n "$v" ]; then
    say "using $path_mysqld from PATH (MySQL $v)"
    exit 0
  fi
  say "ignoring $path_mysqld on PATH: not a MySQL 8.0+ server"
fi

chroot_ready() {
  [ -f "$marker" ] && [ -x "$chroot_dir/usr/sbin/mysqld" ] \
    && [ -n "$(mysql_version_of chroot "$chroot_dir" /usr/sbin/mysqld)" ]
}

if [ "$(id -u)" = 0 ] && chroot_ready; then
  say "using cached chroot $chroot_dir ($(chroot "$chroot_dir" /usr/sbin/mysqld --version))"
  exit 0
fi

[ "$(id -u)" = 0 ] || fail "building or using the MySQL chroot needs root (debootstrap and chroot); this is uid $(id -u)."
[ -f /etc/debian_version ] && command -v apt-get >/dev/null \
  || fail "building the MySQL chroot needs a Debian machine with apt-get; this is not one."

mkdir -p "$(dirname "$chroot_dir")"
exec 9>"$chroot_dir.lock"
if ! flock -n 9; then
  say "another process is building $chroot_dir; waiting for it"
  flock 9
fi
# Another process may have finished the build while this one waited for the lock.
if chroot_ready; then
  say "using cached chroot $chroot_dir"
  exit 0
fi

started=$(date +%s)
apt_updated=no
apt_update() {
  if [ "$apt_updated" = no ]; then
    say "apt-get update"
    apt-get update -qq >&2 || fail "apt-get update failed: the Debian mirror is unreachable."
    apt_updated=yes
  fi
}

if ! command -v debootstrap >/dev/null; then
  apt_update
  say "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2 \
    || fail "apt-get install debootstrap failed."
fi

# The mirror this machine's apt already uses for Debian's main archive (never a hard-coded host).
debian_mirror() {
  apt-get indextargets --format '$(REPO_URI)|$(ORIGIN)|$(LABEL)' 2>/dev/null \
    | awk -F'|' '$2 == "Debian" && $3 == "Debian" { print $1; exit }'
}
mirror="${RWSPLIT_DEBIAN_MIRROR:-$(debian_mirror)}"
if [ -z "$mirror" ]; then
  apt_update
  mirror=$(debian_mirror)
fi
[ -n "$mirror" ] || fail "no Debian mirror found in this machine's apt sources; set RWSPLIT_DEBIAN_MIRROR to one."

work="$chroot_dir.partial"
rm -rf "$work"
say "building $chroot_dir from $mirror (Debian sid, mysql-server-core); 30 s on an idle machine, up to 4 min on a loaded one"
debootstrap --variant=minbase --include=mysql-server-core,mysql-client-core \
    sid "$work" "$mirror" >"$chroot_dir.debootstrap.log" 2>&1 &
debootstrap_pid=$!
# debootstrap writes to its log only; without this the build is silent for minutes.
while kill -0 "$debootstrap_pid" 2>/dev/null; do
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
    kill -0 "$debootstrap_pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$debootstrap_pid" 2>/dev/null; then
    say "still building ($(( $(date +%s) - started )) s): $(tail -n 1 "$chroot_dir.debootstrap.log" 2>/dev/null | cut -c1-120)"
  fi
done
if ! wait "$debootstrap_pid"; then
  tail -n 20 "$chroot_dir.debootstrap.log" >&2 || true
  rm -rf "$work"
  fail "debootstrap of Debian sid from $mirror failed (log: $chroot_dir.debootstrap.log)."
fi
rm -rf "$chroot_dir"
mv "$work" "$chroot_dir"
v=$(mysql_version_of chroot "$chroot_dir" /usr/sbin/mysqld)
[ -n "$v" ] || fail "the chroot was built but its /usr/sbin/mysqld does not run."
touch "$marker"
say "ready: MySQL $v in $chroot_dir after $(( $(date +%s) - started )) s"
