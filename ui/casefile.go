package ui

import (
	"fmt"
	"os"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"

	"handoff/casefile"
	"handoff/domain"
)

// savePDF writes the case file of s as the API's generate-pdf does, to the
// export folder (Options.ExportDir, or the system's temporary folder), and
// says where on the status line.
func savePDF(c *Common, s domain.Session) tea.Cmd {
	ctx, svc, caller, dir := c.Ctx, c.Svc, c.Caller, c.opts.ExportDir
	if dir == "" {
		dir = os.TempDir()
	}
	return func() tea.Msg {
		cf, err := svc.CaseFile(ctx, caller, s.ID)
		if err != nil {
			return statusMsg{text: c.explain("writing the case PDF", err), err: true}
		}
		pdf, err := casefile.PDF(cf)
		if err == nil {
			path := filepath.Join(dir, casefile.FileName(s))
			if err = os.WriteFile(path, pdf, 0o600); err == nil {
				return statusMsg{text: fmt.Sprintf("Case #%d saved as %s", s.Number, path)}
			}
		}
		c.Log.Error("writing the case PDF", "session", s.ID, "err", err)
		return statusMsg{text: "Could not write the case PDF: " + err.Error(), err: true}
	}
}
