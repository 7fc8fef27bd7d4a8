package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"handoff/domain"
	"handoff/review"
)

// sandboxCaller acts for the operator in app's own workspace.
func sandboxCaller(app domain.Application) domain.Caller {
	c := review.Operator(cliActor)
	c.ApplicationID = app.ID
	return c
}

func (a *app) sessionCreateCmd() *cobra.Command {
	var appRef, workflow, vendor, callback, metadata string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a sandbox session (Not Started), as POST /v3/session/ does",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			n := review.NewSession{WorkflowID: workflow, VendorData: vendor, Callback: callback}
			if metadata != "" {
				n.Metadata = json.RawMessage(metadata)
			}
			s, err := svc.CreateSession(a.ctx, sandboxCaller(ap), n)
			if err != nil {
				return err
			}
			if asJSON {
				b, _ := json.Marshal(map[string]any{"session_id": s.ID, "session_number": s.Number,
					"session_kind": s.Kind, "status": s.Status, "workflow_id": s.WorkflowID})
				fmt.Fprintln(a.stdout, string(b))
				return nil
			}
			fmt.Fprintf(a.stdout, "created session #%d %s (%s, %s) in %s\ncomplete it with: handoff session complete --app %q %s --outcome Approved\n",
				s.Number, s.ID, s.Kind.Label(), s.Status, ap.Name, ap.Name, s.ID)
			return nil
		},
	}
	appFlag(cmd, &appRef)
	cmd.Flags().StringVar(&workflow, "workflow", "", "workflow id (its kind makes the session KYC or KYB)")
	cmd.Flags().StringVar(&vendor, "vendor-data", "", "your id for the user or business")
	cmd.Flags().StringVar(&callback, "callback", "", "callback URL kept with the session")
	cmd.Flags().StringVar(&metadata, "metadata", "", "a JSON object kept with the session")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the session as JSON")
	return cmd
}

func (a *app) sessionCompleteCmd() *cobra.Command {
	var appRef, outcome string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "complete SESSION_ID --outcome OUTCOME",
		Short: "Fill a sandbox session with synthetic checks for an outcome and send its status webhooks",
		Long: "OUTCOME is Approved, Declined, \"In Review\", or a named finding that declines the session with\n" +
			"exactly that failed check: expired_document, face_mismatch (KYC), sanctions_match.",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			id, err := parseID("session", args[0])
			if err != nil {
				return err
			}
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			s, err := svc.CompleteSandbox(a.ctx, sandboxCaller(ap), id, outcome)
			if err != nil {
				return err
			}
			if asJSON {
				b, _ := json.Marshal(map[string]any{"session_id": s.ID, "session_number": s.Number, "status": s.Status})
				fmt.Fprintln(a.stdout, string(b))
				return nil
			}
			fmt.Fprintf(a.stdout, "session #%d %s is %s\n", s.Number, s.ID, s.Status)
			return nil
		},
	}
	appFlag(cmd, &appRef)
	cmd.Flags().StringVar(&outcome, "outcome", "", "Approved, Declined, \"In Review\" or a named finding")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}
