package demo

import (
	"fmt"
	"strings"
	"time"
)

// EnvFile is the name of the file `handoff demo` writes the scenario's
// keys and ids to, in the data folder's secrets folder.
const EnvFile = "demo.env"

// Env is the content of demo.env (written at path): shell assignments a
// reader loads with `. path`, then the README walk-through's commands over
// them, to paste one by one against `bin serve --http api`.
func (r Report) Env(path, bin, api string, now time.Time) []byte {
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	line("# handoff demo, written by `%s demo` at %s.", bin, now.UTC().Format(time.RFC3339))
	line("# The API keys are new on every run (only their hashes are stored): the ones below")
	line("# are the current ones. Load this file into your shell with:  . %s", path)
	line("")
	line("export HANDOFF_API=%s", shellQuote(api))
	line("# %s: verifies people and companies, mints share tokens (Service X)", r.Issuer.Name)
	line("export X_APP=%s", r.Issuer.ID)
	line("export X_KEY=%s", shellQuote(r.IssuerKey))
	line("# %s: imports them and reviews them (Service Y)", r.Partner.Name)
	line("export Y_APP=%s", r.Partner.ID)
	line("export Y_KEY=%s", shellQuote(r.PartnerKey))
	line("export Y_WORKFLOW=%s", PartnerKYC)
	line("# A finished KYC session of %s to share", r.Issuer.Name)
	line("export SID=%s", r.Shareable)
	line("# The demo receiver of %s's webhooks: `%s tui --tour` and `%s serve --demo-receiver` run it,", r.Partner.Name, bin, bin)
	line("# and it checks each delivery's signatures with this destination's secret")
	line("export DEMO_WEBHOOK_URL=%s", shellQuote(r.WebhookURL))
	line("export DEMO_WEBHOOK_SECRET=%s", shellQuote(r.WebhookSecret))
	line("")
	line("# The walk-through (README), in another terminal first:  %s serve --http %s --demo-receiver", bin, strings.TrimPrefix(api, "http://"))
	for _, step := range Walkthrough(bin) {
		line("")
		line("# %s", step.Title)
		for _, c := range step.Commands {
			line("#   %s", c)
		}
	}
	return []byte(b.String())
}

// Step is one step of the walk-through: what it does and its commands.
type Step struct {
	Title    string
	Commands []string
}

// Walkthrough is the README's mint → import → review walk-through as shell
// commands over the variables of demo.env (a test runs them against a
// real `serve`).
func Walkthrough(bin string) []Step {
	json := `-H "Content-Type: application/json"`
	return []Step{
		{"1. Northwind mints a share token for Harbor Pay (201; TOKEN is the share_token)", []string{
			`TOKEN=$(curl -sS -X POST "$HANDOFF_API/v3/session/$SID/share/" -H "x-api-key: $X_KEY" ` + json +
				` -d "{\"for_application_id\": \"$Y_APP\", \"ttl_in_seconds\": 3600}" | jq -r .share_token); echo "$TOKEN"`,
		}},
		{"2. Harbor Pay imports it for its own review (201, status In Review; CLONE is the new session)", []string{
			`CLONE=$(curl -sS -X POST "$HANDOFF_API/v3/session/import-shared/" -H "x-api-key: $Y_KEY" ` + json +
				` -d "{\"share_token\": \"$TOKEN\", \"workflow_id\": \"$Y_WORKFLOW\", \"vendor_data\": \"partner-user-42\", \"trust_review\": false}" | jq -r .session_id); echo "$CLONE"`,
			`curl -sS "$HANDOFF_API/v3/sessions/?shared_from_session=$SID" -H "x-api-key: $Y_KEY" | jq '.results[] | {session_id, status, shared_from_session}'`,
		}},
		{"3. Harbor Pay declines it (200), and the decision reads Declined", []string{
			`curl -sS -X PATCH "$HANDOFF_API/v3/session/$CLONE/update-status/" -H "x-api-key: $Y_KEY" ` + json +
				` -d '{"new_status": "Declined", "comment": "reason: sanctions_match"}'; echo`,
			`curl -sS "$HANDOFF_API/v3/session/$CLONE/decision/" -H "x-api-key: $Y_KEY" | jq '{status, shared_from_session}'`,
		}},
		{"4. Every Merkle tree and signed checkpoint of the audit log checks out", []string{
			bin + ` audit verify`,
		}},
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ReadEnv reads the assignments of a demo.env ("export NAME='value'"),
// ignoring everything else.
func ReadEnv(data []byte) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		name, value, ok := strings.Cut(strings.TrimPrefix(l, "export "), "=")
		if !ok || strings.HasPrefix(l, "#") || strings.ContainsAny(name, " \t") {
			continue
		}
		if strings.HasPrefix(value, "'") && strings.HasSuffix(value, "'") && len(value) >= 2 {
			value = strings.ReplaceAll(value[1:len(value)-1], `'\''`, "'")
		}
		out[name] = value
	}
	return out
}
