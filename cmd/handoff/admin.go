package main

import (
	"encoding/json"
	"fmt"

	"handoff/review"

	"github.com/spf13/cobra"

	"handoff/domain"
)

func (a *app) keysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage the share-token signing keys, the master keys and the data keys"}
	cmd.AddCommand(a.rotateMasterCmd(), a.rotateDataCmd())
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

func (a *app) rotateMasterCmd() *cobra.Command {
	var biometric bool
	c := &cobra.Command{
		Use:   "rotate-master",
		Short: "Wrap every data key (and signing key) under a new master key; takes seconds whatever the data size",
		Long: "Writes a new master key into the master key file, re-wraps every application's data keys and the\n" +
			"share-token signing keys under it in one transaction, then removes the old key from the file.\n" +
			"The data itself is not touched. With --biometric, the biometric master key instead.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			r, err := svc.RotateMaster(a.ctx, operator(), biometric)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s: master key %s replaced by %s; %d keys re-wrapped\n", r.Source, r.From, r.To, r.Rewrapped)
			return nil
		},
	}
	c.Flags().BoolVar(&biometric, "biometric", false, "rotate the biometric master key")
	return c
}

func (a *app) rotateDataCmd() *cobra.Command {
	var appRef string
	var batch int
	c := &cobra.Command{
		Use:   "rotate-data",
		Short: "Move an application to new data keys, re-sealing its sessions in batches; resumable, reads served throughout",
		Long: "New sessions are sealed under the new keys at once; existing ones are re-sealed in batches of one\n" +
			"short transaction each while handoff keeps serving them. Interrupted, it resumes where it stopped\n" +
			"when run again. It waits for other handoff processes to take up the new keys (about 30 s) and then\n" +
			"re-seals what they wrote meanwhile.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			var bar *progress
			var shown int64
			r, err := svc.RotateData(a.ctx, operator(), ap.ID, review.DataRotationOptions{Batch: batch,
				Progress: func(done, total int64) {
					if bar == nil {
						bar = a.progress(total, "re-sealing "+ap.Name)
					}
					bar.Add(int(done - shown))
					shown = done
				}})
			bar.Done()
			if err != nil {
				return err
			}
			verb := "moved"
			if r.Resumed {
				verb = "resumed and moved"
			}
			fmt.Fprintf(a.stdout, "%s: %s %d sessions, %d evidence files and %d list entries to data key generation %d\n", ap.Name, verb,
				r.Resealed, r.ResealedMedia, r.ResealedEntries, r.Generation)
			return nil
		},
	}
	appFlag(c, &appRef)
	c.Flags().IntVar(&batch, "batch", 500, "sessions re-sealed per transaction")
	return c
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
