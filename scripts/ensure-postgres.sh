#!/bin/sh
# Makes sure PostgreSQL's server binaries are installed: handoff starts its
# own private cluster from them. Installs Debian's `postgresql` package when
# they are missing and we are root with apt-get; otherwise says what to do.
set -eu
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null) $(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)"); do
	if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
		exit 0
	fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "PostgreSQL server binaries not found: installing Debian's postgresql package" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
	exit 0
fi
cat >&2 <<MSG
PostgreSQL's server binaries (initdb, pg_ctl, postgres) are not installed.
Install Debian's postgresql package (sudo apt-get install postgresql), or
point handoff at an existing server with DATABASE_URL=postgres://...
MSG
exit 1
