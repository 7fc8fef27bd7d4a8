package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"handoff/domain"
	"handoff/review"
)

func (a *app) analystCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "analyst", Short: "Register the analysts who may connect over SSH"}
	var name, keyFile string
	var apps, keys []string
	var listJSON bool
	add := &cobra.Command{
		Use: "add", Short: "Register an analyst (or add applications and keys to one)", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			var lines []string
			lines = append(lines, keys...)
			if keyFile != "" {
				raw, err := os.ReadFile(keyFile)
				if err != nil {
					return domain.Invalidf("reading --key-file: %v", err)
				}
				for _, l := range strings.Split(string(raw), "\n") {
					if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
						lines = append(lines, l)
					}
				}
			}
			req := review.NewAnalyst{Name: name}
			for _, l := range lines {
				pk, _, _, _, err := gossh.ParseAuthorizedKey([]byte(l))
				if err != nil {
					return domain.Invalidf("not an SSH public key (expected e.g. \"ssh-ed25519 AAAA...\"): %q", short(l))
				}
				req.Keys = append(req.Keys, review.AnalystKey{Fingerprint: gossh.FingerprintSHA256(pk),
					PublicKey: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk)))})
			}
			svc, err := a.open()
			if err != nil {
				return err
			}
			var ids []uuid.UUID
			for _, ref := range apps {
				ap, err := a.findApp(svc, ref)
				if err != nil {
					return err
				}
				ids = append(ids, ap.ID)
			}
			req.Apps = ids
			if err := svc.AddAnalyst(a.ctx, operator(), req); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "analyst %s may now connect with %d key(s) for %d application(s)\n", name, len(req.Keys), len(ids))
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "analyst name (their SSH user name and audit actor)")
	add.Flags().StringArrayVar(&apps, "app", nil, "application id or name (repeatable)")
	add.Flags().StringArrayVar(&keys, "key", nil, "an SSH public key, e.g. \"ssh-ed25519 AAAA...\" (repeatable)")
	add.Flags().StringVar(&keyFile, "key-file", "", "a file of public keys (authorized_keys format)")
	add.MarkFlagRequired("name")

	list := &cobra.Command{
		Use: "list", Short: "List analysts", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			all, err := svc.Analysts(a.ctx, operator())
			if err != nil {
				return err
			}
			toJSON := func(an review.AnalystInfo) map[string]any {
				return map[string]any{"name": an.Name, "application_ids": nonNil(an.Apps), "applications": nonNil(an.AppNames),
					"key_fingerprints": nonNil(an.Keys)}
			}
			return printRows(a, listJSON, all, toJSON, "ANALYST\tAPPLICATIONS\tKEYS", func(an review.AnalystInfo) string {
				return fmt.Sprintf("%s\t%s\t%s", an.Name, strings.Join(an.AppNames, ", "), strings.Join(an.Keys, " "))
			})
		},
	}
	jsonFlag(list, &listJSON)
	remove := &cobra.Command{
		Use: "remove NAME", Short: "Remove an analyst: their next connection is refused", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			if err := svc.RemoveAnalyst(a.ctx, operator(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "analyst %s removed\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(add, list, remove)
	return cmd
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
