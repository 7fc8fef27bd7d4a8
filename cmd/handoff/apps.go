package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"handoff/domain"
	"handoff/review"
)

const cliActor = "cli"

// operator is who the command line acts as: every application's
// administrator, named "cli" in the audit trail.
func operator() domain.Caller { return review.Operator(cliActor) }

func (a *app) appCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "app", Short: "Manage applications (tenants), their workflows and API keys"}

	var name, privs string
	var workflows []string
	var asJSON bool
	create := &cobra.Command{
		Use: "create", Short: "Create an application with workflows and a first API key (shown once)", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			req := review.NewApplication{Name: name}
			for _, w := range workflows {
				wf, err := domain.ParseWorkflow(w)
				if err != nil {
					return err
				}
				req.Workflows = append(req.Workflows, wf)
			}
			if privs != "" {
				ps, err := domain.ParsePrivileges(privs)
				if err != nil {
					return err
				}
				req.Privileges = ps
			}
			svc, err := a.open()
			if err != nil {
				return err
			}
			out, err := svc.CreateApplication(a.ctx, operator(), req)
			if err != nil {
				return err
			}
			if asJSON {
				return a.printJSON(map[string]any{"application_id": out.Application.ID, "name": out.Application.Name,
					"api_key": out.APIKey, "workflows": out.Workflows})
			}
			fmt.Fprintf(a.stdout, "application  %s\nid           %s\napi key      %s   (shown once: store it now)\n",
				out.Application.Name, out.Application.ID, out.APIKey)
			for _, wf := range out.Workflows {
				fmt.Fprintf(a.stdout, "workflow     %s (%s)\n", wf.ID, wf.Kind)
			}
			return nil
		},
	}
	create.Flags().StringVar(&name, "name", "", "application name (unique)")
	create.Flags().StringArrayVar(&workflows, "workflow", nil, "workflow as ID:user or ID:business (repeatable)")
	create.Flags().StringVar(&privs, "privileges", "", "privileges of the first key (default write:sessions,read:sessions)")
	jsonFlag(create, &asJSON)
	create.MarkFlagRequired("name")

	var listJSON bool
	list := &cobra.Command{
		Use: "list", Short: "List applications", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			apps, err := svc.Applications(a.ctx, operator())
			if err != nil {
				return err
			}
			toJSON := func(ap domain.Application) map[string]any {
				return map[string]any{"application_id": ap.ID, "name": ap.Name, "created_at": ap.CreatedAt,
					"retention": domain.RetentionLabel(ap.RetentionDays)}
			}
			return printRows(a, listJSON, apps, toJSON, "APPLICATION ID\tNAME\tCREATED\tRETENTION", func(ap domain.Application) string {
				return fmt.Sprintf("%s\t%s\t%s\t%s", ap.ID, ap.Name, ap.CreatedAt.Format("2006-01-02 15:04"), domain.RetentionLabel(ap.RetentionDays))
			})
		},
	}
	jsonFlag(list, &listJSON)

	cmd.AddCommand(create, list, a.setCmd(), a.keyCmd(), a.workflowCmd())
	return cmd
}

func (a *app) keyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "key", Short: "Manage an application's API keys"}
	var appRef, privs string
	var asJSON bool
	create := &cobra.Command{
		Use: "create", Short: "Create an API key (shown once)", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			ps := domain.DefaultPrivileges
			if privs != "" {
				var err error
				if ps, err = domain.ParsePrivileges(privs); err != nil {
					return err
				}
			}
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			key, err := svc.CreateAPIKey(a.ctx, operator(), ap.ID, ps)
			if err != nil {
				return err
			}
			if asJSON {
				return a.printJSON(map[string]any{"application_id": ap.ID, "api_key": key, "privileges": ps})
			}
			fmt.Fprintf(a.stdout, "%s\n(shown once: store it now)\n", key)
			return nil
		},
	}
	appFlag(create, &appRef)
	create.Flags().StringVar(&privs, "privileges", "", "comma-separated privileges (default write:sessions,read:sessions)")
	jsonFlag(create, &asJSON)

	list := &cobra.Command{
		Use: "list", Short: "List an application's API keys (prefixes only: keys are stored hashed)", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			keys, err := svc.APIKeys(a.ctx, operator(), ap.ID)
			if err != nil {
				return err
			}
			toJSON := func(k review.APIKeyInfo) map[string]any {
				return map[string]any{"key_id": k.ID, "prefix": k.Prefix, "privileges": k.Privileges,
					"created_at": k.CreatedAt, "revoked_at": k.RevokedAt}
			}
			return printRows(a, asJSON, keys, toJSON, "KEY ID\tPREFIX\tPRIVILEGES\tCREATED\tSTATE", func(k review.APIKeyInfo) string {
				state := "active"
				if k.RevokedAt != nil {
					state = "revoked " + k.RevokedAt.Format("2006-01-02 15:04")
				}
				return fmt.Sprintf("%s\t%s…\t%s\t%s\t%s", k.ID, k.Prefix, joinPrivileges(k.Privileges),
					k.CreatedAt.Format("2006-01-02 15:04"), state)
			})
		},
	}
	appFlag(list, &appRef)
	jsonFlag(list, &asJSON)

	revoke := &cobra.Command{
		Use: "revoke KEY_ID", Short: "Revoke an API key (every handoff process stops accepting it within 5 s)", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			id, err := parseID("key", args[0])
			if err != nil {
				return err
			}
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			if err := svc.RevokeAPIKey(a.ctx, operator(), ap.ID, id); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "key %s revoked\n", id)
			return nil
		},
	}
	appFlag(revoke, &appRef)
	cmd.AddCommand(create, list, revoke)
	return cmd
}

func (a *app) workflowCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "workflow", Short: "Manage an application's workflows"}
	var appRef string
	add := &cobra.Command{
		Use: "add ID:user|ID:business", Short: "Add a workflow", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			wf, err := domain.ParseWorkflow(args[0])
			if err != nil {
				return err
			}
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			return svc.AddWorkflow(a.ctx, operator(), ap.ID, wf)
		},
	}
	appFlag(add, &appRef)
	cmd.AddCommand(add)
	return cmd
}

func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func joinPrivileges(ps []domain.Privilege) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ",")
}
