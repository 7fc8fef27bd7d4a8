package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set at link time by `make build` (-X main.commit=... -X main.buildDate=...).
// A plain `go build` leaves them empty, and the version control stamp of
// the build info (when Go recorded one) stands in.
var commit, buildDate string

// buildInfo is what the binary knows about itself: the module version,
// the commit it was built from and when.
type buildInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Modified bool   `json:"modified"`
	Date     string `json:"date"`
	Go       string `json:"go"`
}

func readBuildInfo() (b buildInfo) {
	b = buildInfo{Version: "(devel)", Commit: commit, Date: buildDate, Go: runtime.Version()}
	defer func() {
		if b.Commit == "" {
			b.Commit = "unknown"
		}
		if b.Date == "" {
			b.Date = "unknown"
		}
	}()
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := bi.Main.Version; v != "" {
		b.Version = v
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
		case s.Key == "vcs.time" && b.Date == "":
			b.Date = s.Value
		case s.Key == "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func (b buildInfo) String() string {
	commit, dirty, _ := strings.Cut(b.Commit, "+")
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if b.Modified || dirty != "" {
		commit += "+modified"
	}
	return fmt.Sprintf("handoff %s (commit %s, built %s, %s)", b.Version, commit, b.Date, b.Go)
}

func (a *app) versionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date of this binary",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			b := readBuildInfo()
			if asJSON {
				return a.printJSON(b)
			}
			_, err := fmt.Fprintln(a.stdout, b)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print it as JSON")
	return cmd
}
