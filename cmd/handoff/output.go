package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// printRows prints what a list command found: with asJSON an array of
// toJSON's objects, else a table under header (tab-separated), one line
// of line's tab-separated cells per row.
func printRows[T any](a *app, asJSON bool, rows []T, toJSON func(T) map[string]any, header string, line func(T) string) error {
	if asJSON {
		out := make([]map[string]any, len(rows))
		for i, r := range rows {
			out[i] = toJSON(r)
		}
		return a.printJSON(out)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, line(r))
	}
	return tw.Flush()
}

// appFlag is the --app flag of every command that acts in one application.
func appFlag(cmd *cobra.Command, ref *string) {
	cmd.Flags().StringVar(ref, "app", "", "the application's id or name")
}

// jsonFlag is the --json flag of every command that can print JSON.
func jsonFlag(cmd *cobra.Command, asJSON *bool) {
	cmd.Flags().BoolVar(asJSON, "json", false, "print JSON")
}

// nonNil is s, or an empty slice for nil: JSON lists print as [], never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
