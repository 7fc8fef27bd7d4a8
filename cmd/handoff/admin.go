package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"handoff/domain"
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
	cmd := &cobra.Command{Use: "audit", Short: "Verify the audit log and prove events in it"}
	var appRef string
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Rebuild each Merkle tree from its events, check every signed checkpoint, report the first bad event and stale pending events",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			apps, err := a.appsOrAll(svc, appRef)
			if err != nil {
				return err
			}
			broken, stale := 0, 0
			for _, ap := range apps {
				res, err := svc.VerifyAudit(a.ctx, operator().In(ap.ID))
				if err != nil {
					return err
				}
				if res.Break != nil {
					broken++
					at := fmt.Sprintf("event %d", res.Break.Seq)
					if res.Break.Seq == 0 {
						at = fmt.Sprintf("checkpoint %d", res.Break.Checkpoint)
					}
					fmt.Fprintf(a.stdout, "%s (%s): BROKEN at %s: %s\n", ap.Name, ap.ID, at, res.Break.Reason)
					continue
				}
				fmt.Fprintf(a.stdout, "%s (%s): ok, %d events and %d checkpoints verified, %d pending\n",
					ap.Name, ap.ID, res.Checked, res.Checkpoints, res.Pending)
				if res.Stale > 0 {
					stale++
					fmt.Fprintf(a.stdout, "  %d pending events are older than a second: is a sequencer (handoff serve) running?\n", res.Stale)
				}
			}
			if broken > 0 {
				return fmt.Errorf("audit log broken in %d application(s)", broken)
			}
			if stale > 0 {
				return fmt.Errorf("audit events waiting to be sealed in %d application(s)", stale)
			}
			return nil
		},
	}
	verify.Flags().StringVar(&appRef, "app", "", "application id or name (default: all)")
	var proveApp string
	var event int64
	prove := &cobra.Command{
		Use:   "prove --app APP --event N",
		Short: "Print an inclusion proof of sealed event N against the application's latest signed checkpoint (JSON, for auditverify)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if event < 1 {
				return domain.Invalidf("--event N is required: the event's sequence number (1 or more)")
			}
			svc, ap, err := a.openApp(proveApp)
			if err != nil {
				return err
			}
			p, err := svc.ProveEvent(a.ctx, operator().In(ap.ID), event)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(a.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(p)
		},
	}
	prove.Flags().StringVar(&proveApp, "app", "", "application id or name")
	prove.Flags().Int64Var(&event, "event", 0, "sequence number of the sealed event")
	cmd.AddCommand(verify, prove)
	return cmd
}
