package main

import (
	"bufio"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"handoff/demo"
	"handoff/domain"
)

func (a *app) sessionCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "session", Short: "Work with sessions"}
	var appRef, kind, status string
	var count int
	var seed uint64
	var asJSON bool
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Create synthetic sessions with realistic, invented verification payloads",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			opts := demo.Options{Count: count, Seed: seed, Actor: cliActor}
			if kind != "" && kind != "mixed" {
				k, err := domain.ParseKind(kind)
				if err != nil {
					return domain.Invalidf("--kind must be user, business or mixed, not %q", kind)
				}
				opts.Kind = k
			}
			if status != "" && status != "mixed" {
				p := domain.Status(status).Phase()
				if p == 0 {
					return domain.Invalidf("--status %q is not a status (e.g. Approved, DECLINED, \"In Review\", or mixed)", status)
				}
				opts.Phase = p
			}
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			opts.App = ap.ID
			w := bufio.NewWriterSize(a.stdout, 64<<10)
			defer w.Flush()
			n := 0
			bar := a.progress(int64(count), "generating sessions")
			err = demo.Generate(a.ctx, svc, opts, func(s domain.Session) {
				n++
				bar.Add(1)
				if asJSON {
					b, _ := json.Marshal(map[string]any{"session_id": s.ID, "session_number": s.Number,
						"session_kind": s.Kind, "status": s.Status})
					w.Write(append(b, '\n'))
				}
			})
			bar.Done()
			if err != nil {
				return err
			}
			if !asJSON {
				fmt.Fprintf(w, "created %d sessions in %s\n", n, ap.Name)
			}
			return nil
		},
	}
	appFlag(gen, &appRef)
	gen.Flags().IntVar(&count, "count", 10, "how many sessions")
	gen.Flags().StringVar(&kind, "kind", "mixed", "user, business or mixed")
	gen.Flags().StringVar(&status, "status", "mixed", "a status (either casing) or mixed")
	gen.Flags().Uint64Var(&seed, "seed", 1, "random seed: the same seed gives the same people and companies")
	gen.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per session")
	cmd.AddCommand(gen, a.sessionCreateCmd(), a.sessionCompleteCmd())
	return cmd
}
