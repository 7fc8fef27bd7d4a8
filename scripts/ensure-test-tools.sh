#!/bin/sh
# Makes sure the tools the test suite runs besides Go are installed: curl
# and jq, which the README walk-through's commands use (a test pastes them
# into sh against a real `handoff serve`). Installs the Debian packages when
# they are missing and we are root with apt-get; otherwise says what to do.
set -eu
missing=""
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v jq >/dev/null 2>&1 || missing="$missing jq"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing Debian's$missing for the tests" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y -qq $missing >&2
	exit 0
fi
echo "make test needs Debian's$missing: sudo apt-get install$missing" >&2
exit 1
