package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"handoff/demo"
	"handoff/internal/datadir"
)

// demoAPI is the API address the demo's commands and README use.
const demoAPI = "127.0.0.1:8080"

func (a *app) demoCmd() *cobra.Command {
	var receiver string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Create the demo scenario (idempotent) and write its keys and commands to demo.env",
		Long: "Creates the demo scenario unless it exists, mints a new API key for each demo application and\n" +
			"writes them, with the application ids and the README walk-through's commands, to demo.env in\n" +
			"the data folder's secrets folder (mode 0600).",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			r, err := demo.Seed(a.ctx, svc, receiver)
			if err != nil {
				return err
			}
			dir, err := datadir.Default()
			if err != nil {
				return err
			}
			bin := os.Args[0] // the binary as it was run, e.g. ./bin/handoff
			path := datadir.SecretPath(dir, demo.EnvFile)
			if err := datadir.ReplaceSecret(path, r.Env(path, bin, "http://"+demoAPI, svc.Now())); err != nil {
				return err
			}
			state := "already there"
			if r.Created {
				state = "created"
			}
			fmt.Fprintf(a.stdout, `Demo scenario %s: %s (%d finished sessions) and %s (%d imported sessions waiting in review).

New API keys, the application ids and the README walk-through's commands are in
  %s
Load them with  . %s  and serve the API with  %s serve --http %s --demo-receiver
`, state, r.Issuer.Name, r.IssuerSessions, r.Partner.Name, r.PartnerQueue, path, path, bin, demoAPI)
			return nil
		},
	}
	cmd.Flags().StringVar(&receiver, "receiver", demo.ReceiverAddr, "loopback address of the demo's webhook receiver")
	return cmd
}
