package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"handoff/demo"
)

func (a *app) demoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Create the demo scenario (idempotent) and print how to use it",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			r, err := demo.Seed(a.ctx, svc)
			if err != nil {
				return err
			}
			state := "already there"
			if r.Created {
				state = "created"
			}
			fmt.Fprintf(a.stdout, `Demo scenario %s.

  %s
    application id  %s
    api key         %s
    finished sessions %d

  %s
    application id  %s
    api key         %s
    imported sessions waiting in review %d

The API keys are new on every run (only their hashes are stored).
Serve the API with:  %s serve --http 127.0.0.1:8080
`, state, r.Issuer.Name, r.Issuer.ID, r.IssuerKey, r.IssuerSessions, r.Partner.Name, r.Partner.ID, r.PartnerKey, r.PartnerQueue,
				os.Args[0]) // the binary as it was run, e.g. ./bin/handoff
			return nil
		},
	}
}
