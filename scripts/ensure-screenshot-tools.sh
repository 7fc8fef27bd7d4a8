#!/bin/sh
# Makes sure the tools `make screenshots` uses are installed: tmux runs the
# workstation, aha turns its captured screen (ANSI) into HTML, and
# wkhtmltoimage (Debian's wkhtmltopdf package) renders that as PNG in DejaVu
# Sans Mono. Installs the Debian packages when they are missing and we are
# root with apt-get; otherwise says what to do.
set -eu
missing=""
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
command -v aha >/dev/null 2>&1 || missing="$missing aha"
command -v wkhtmltoimage >/dev/null 2>&1 || missing="$missing wkhtmltopdf"
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || missing="$missing fonts-dejavu-core"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing Debian's$missing for the screenshots" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y -qq $missing >&2
	exit 0
fi
echo "make screenshots needs Debian's$missing: sudo apt-get install$missing" >&2
exit 1
