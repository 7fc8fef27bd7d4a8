package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"handoff/review"
)

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "List and revoke the share tokens an application minted"}
	cmd.AddCommand(a.tokenListCmd(), a.tokenRevokeCmd())
	return cmd
}

func tokenMap(t review.TokenInfo) map[string]any {
	return map[string]any{"token_id": t.TokenID, "session_id": t.SessionID, "session_number": t.SessionNumber,
		"session_kind": t.SessionKind, "for_application_id": t.PartnerID, "partner": t.Partner, "minted_by": t.MintedBy,
		"state": t.State, "created_at": t.MintedAt, "expires_at": t.ExpiresAt, "imported_at": t.ImportedAt,
		"revoked_at": t.RevokedAt}
}

func (a *app) tokenListCmd() *cobra.Command {
	var appRef, session string
	var asJSON bool
	cmd := &cobra.Command{
		Use: "list", Short: "List minted tokens, newest first, with their state (active, imported, expired, revoked)",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			caller := operator().In(ap.ID)
			var list []review.TokenInfo
			if session != "" {
				id, err := parseID("session", session)
				if err != nil {
					return err
				}
				list, err = svc.SessionTokens(a.ctx, caller, id)
				if err != nil {
					return err
				}
			} else if list, err = svc.Tokens(a.ctx, caller, 1000); err != nil {
				return err
			}
			return printRows(a, asJSON, list, tokenMap, "TOKEN\tSESSION\tPARTNER\tMINTED\tEXPIRES\tSTATE", func(t review.TokenInfo) string {
				return fmt.Sprintf("%s\t#%d\t%s\t%s\t%s\t%s", t.TokenID, t.SessionNumber, t.Partner,
					t.MintedAt.UTC().Format(time.DateTime), t.ExpiresAt.UTC().Format(time.DateTime), t.State)
			})
		},
	}
	cmd.Flags().StringVar(&appRef, "app", "", "the issuing application's id or name")
	cmd.Flags().StringVar(&session, "session", "", "only the tokens of this session id")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func (a *app) tokenRevokeCmd() *cobra.Command {
	var appRef string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "revoke TOKEN_ID",
		Short: "Revoke a token before its partner imports it; the import is then refused (401)",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			id, err := parseID("token", args[0])
			if err != nil {
				return err
			}
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			caller := operator().In(ap.ID)
			t, err := svc.Token(a.ctx, caller, id)
			if err != nil {
				return err
			}
			t, err = svc.RevokeToken(a.ctx, caller, t.SessionID, id)
			if err != nil {
				return err
			}
			if asJSON {
				return a.printJSON(tokenMap(t))
			}
			fmt.Fprintf(a.stdout, "revoked token %s (session #%d, for %s)\n", t.TokenID, t.SessionNumber, t.Partner)
			return nil
		},
	}
	cmd.Flags().StringVar(&appRef, "app", "", "the issuing application's id or name")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the token as JSON")
	return cmd
}
