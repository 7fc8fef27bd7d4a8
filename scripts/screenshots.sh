#!/bin/sh
# Renders the workstation's main screens from the real program into
# docs/screens/*.png: `handoff tui` runs on the demo data in a detached tmux
# window of fixed size, keys are sent to it, and each screen is captured
# with its colours (capture-pane -e), turned into HTML by aha and into PNG
# by wkhtmltoimage. Usage: scripts/screenshots.sh BIN (after `BIN demo`).
set -eu
bin=${1:-./bin/handoff}
out=docs/screens
cols=120 rows=46
sock=handoff-screens-$$
work=$(mktemp -d)
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM
mkdir -p "$out"

# wait_for TEXT: until the screen shows TEXT (at most 20 s).
wait_for() {
	i=0
	until tmux -L "$sock" capture-pane -p -t shot | grep -qF -- "$1"; do
		i=$((i + 1))
		if [ "$i" -gt 200 ]; then
			echo "screenshots: the screen never showed \"$1\":" >&2
			tmux -L "$sock" capture-pane -p -t shot >&2
			exit 1
		fi
		sleep 0.1
	done
}

# keys KEY...: sends keys (tmux key names).
keys() { tmux -L "$sock" send-keys -t shot "$@"; }

# shot NAME TITLE: captures the screen as $out/NAME.png.
shot() {
	sleep 0.3 # let the last frame land: the wait above saw its first line
	tmux -L "$sock" capture-pane -e -p -t shot >"$work/$1.ansi"
	{
		printf '<html><head><meta charset="utf-8"><style>'
		printf 'body{margin:0;background:#101418} pre{margin:0;padding:12px;color:#d8dee9;'
		printf 'font:15px/1.2 "DejaVu Sans Mono",monospace}</style></head><body><pre>'
		aha -n --black <"$work/$1.ansi"
		printf '</pre></body></html>'
	} >"$work/$1.html"
	XDG_RUNTIME_DIR=$work wkhtmltoimage --quiet --quality 10 --width $((cols * 9 + 24)) --encoding utf-8 "$work/$1.html" "$out/$1.png"
	echo "  $out/$1.png: $2"
}

tmux -L "$sock" -f /dev/null new-session -d -s shot -x "$cols" -y "$rows" \
	"env TERM=xterm-256color COLORTERM=truecolor $bin tui --tab queue --tour --images blocks --as maria"
tmux -L "$sock" set-option -t shot -g status off
tmux -L "$sock" resize-window -t shot -x "$cols" -y "$rows" 2>/dev/null || true

wait_for "Tour 1/9"
wait_for "Waiting for review"
shot queue "Harbor Pay's imports queue, with the guided tour"
keys Enter
wait_for "Findings"
shot case "A case: provenance, findings, the evidence side by side"
keys t
wait_for "face match"
shot evidence "The evidence with the tour hidden"
keys Escape # alone: escape then a key at once reads as alt+key
wait_for "Waiting for review"
keys 4
wait_for "log verified"
shot audit "The audit trail, its Merkle tree verified"
keys 5
wait_for "delivered" # the tour's receiver takes the scenario's webhooks
shot webhooks "Webhook deliveries"
keys 1
wait_for "Finished sessions"
shot sessions "Harbor Pay's sessions"
keys q
