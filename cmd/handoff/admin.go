package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) keysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage the share-token signing keys"}
	cmd.AddCommand(&cobra.Command{
		Use: "rotate", Short: "Sign new share tokens with a new key; tokens signed before keep working until they expire",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			kid, err := svc.RotateSigningKey(a.ctx, operator())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "new signing key %s\n", kid)
			return nil
		},
	})
	return cmd
}

func (a *app) auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Inspect the append-only audit trail"}
	var appRef string
	verify := &cobra.Command{
		Use: "verify", Short: "Recompute the hash chain and report the first broken link", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			apps, err := a.appsOrAll(svc, appRef)
			if err != nil {
				return err
			}
			broken := 0
			for _, ap := range apps {
				res, err := svc.VerifyAudit(a.ctx, operator().In(ap.ID))
				if err != nil {
					return err
				}
				if res.Break != nil {
					broken++
					fmt.Fprintf(a.stdout, "%s (%s): BROKEN at event %d: %s\n", ap.Name, ap.ID, res.Break.Seq, res.Break.Reason)
					continue
				}
				fmt.Fprintf(a.stdout, "%s (%s): ok, %d events verified\n", ap.Name, ap.ID, res.Checked)
			}
			if broken > 0 {
				return fmt.Errorf("audit chain broken in %d application(s)", broken)
			}
			return nil
		},
	}
	verify.Flags().StringVar(&appRef, "app", "", "application id or name (default: all)")
	cmd.AddCommand(verify)
	return cmd
}
