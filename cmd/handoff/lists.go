package main

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"handoff/domain"
	"handoff/review"
)

// handoff list …: the Lists API for scripts, as the operator.
func (a *app) listCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "Blocklists, allowlists and custom lists, and their entries"}
	cmd.AddCommand(a.listShowCmd(), a.listCreateCmd(), a.listDeleteCmd(), a.listEntriesCmd(), a.listAddCmd(), a.listRemoveCmd())
	return cmd
}

func listMap(l domain.List) map[string]any {
	return map[string]any{"uuid": l.ID, "name": l.Name, "description": l.Description, "list_type": l.Type,
		"entry_type": l.EntryType, "is_system": l.System, "entry_count": l.EntryCount, "created_at": l.CreatedAt}
}

func entryMap(e domain.ListEntry) map[string]any {
	out := map[string]any{"uuid": e.ID, "value": e.Value, "display_label": e.DisplayLabel, "comment": e.Comment,
		"added_by": e.AddedBy, "reference_session_id": e.ReferenceSessionID, "created_at": e.CreatedAt}
	if e.Unavailable {
		out["biometrics"] = "unavailable"
	}
	return out
}

// listRef finds a list by uuid, by name, or as "blocklist:TYPE" for a
// system blocklist.
func listRef(a *app, svc *review.Service, caller domain.Caller, ref string) (domain.List, error) {
	if id, err := uuid.Parse(ref); err == nil {
		return svc.GetList(a.ctx, caller, id)
	}
	ls, _, err := svc.Lists(a.ctx, caller, review.ListsQuery{Limit: 200})
	if err != nil {
		return domain.List{}, err
	}
	for _, l := range ls {
		if l.Name == ref || l.System && "blocklist:"+string(l.EntryType) == ref {
			return l, nil
		}
	}
	return domain.List{}, domain.NotFoundf("No list %q (give its uuid, its name, or blocklist:TYPE).", ref)
}

func (a *app) listShowCmd() *cobra.Command {
	var appRef, listType, entryType string
	var asJSON bool
	cmd := &cobra.Command{
		Use: "show", Short: "Show the application's lists with their entry counts", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			ls, _, err := svc.Lists(a.ctx, operator().In(ap.ID), review.ListsQuery{ListType: listType, EntryType: entryType, Limit: 200})
			if err != nil {
				return err
			}
			return printRows(a, asJSON, ls, listMap, "UUID\tNAME\tTYPE\tENTRY TYPE\tENTRIES", func(l domain.List) string {
				return fmt.Sprintf("%s\t%s\t%s\t%s\t%d", l.ID, l.Name, l.Type, l.EntryType, l.EntryCount)
			})
		},
	}
	appFlag(cmd, &appRef)
	cmd.Flags().StringVar(&listType, "list-type", "", "only blocklist, allowlist or custom")
	cmd.Flags().StringVar(&entryType, "entry-type", "", "only lists of this entry type")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func (a *app) listCreateCmd() *cobra.Command {
	var appRef, name, listType, entryType, description string
	var asJSON bool
	cmd := &cobra.Command{
		Use: "create", Short: "Create an allowlist or custom list", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			l, err := svc.CreateList(a.ctx, operator().In(ap.ID), review.NewList{Name: name, ListType: listType, EntryType: entryType, Description: description})
			if err != nil {
				return err
			}
			if asJSON {
				return a.printJSON(listMap(l))
			}
			fmt.Fprintf(a.stdout, "created %s %q (%s) %s\n", l.Type, l.Name, l.EntryType, l.ID)
			return nil
		},
	}
	appFlag(cmd, &appRef)
	cmd.Flags().StringVar(&name, "name", "", "the list's name, unique in the application")
	cmd.Flags().StringVar(&listType, "list-type", "", "allowlist or custom")
	cmd.Flags().StringVar(&entryType, "entry-type", "", "document, face, phone, email, user, business, country or ip_address")
	cmd.Flags().StringVar(&description, "description", "", "what the list is for")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func (a *app) listDeleteCmd() *cobra.Command {
	var appRef string
	cmd := &cobra.Command{
		Use: "delete LIST", Short: "Delete an allowlist or custom list and its entries", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			caller := operator().In(ap.ID)
			l, err := listRef(a, svc, caller, args[0])
			if err != nil {
				return err
			}
			if err := svc.DeleteList(a.ctx, caller, l.ID); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "deleted %q\n", l.Name)
			return nil
		},
	}
	appFlag(cmd, &appRef)
	return cmd
}

func (a *app) listEntriesCmd() *cobra.Command {
	var appRef, search string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use: "entries LIST", Short: "Show a list's entries, newest first (LIST: uuid, name or blocklist:TYPE)", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			caller := operator().In(ap.ID)
			l, err := listRef(a, svc, caller, args[0])
			if err != nil {
				return err
			}
			es, _, err := svc.ListEntries(a.ctx, caller, l.ID, search, limit, 0)
			if err != nil {
				return err
			}
			return printRows(a, asJSON, es, entryMap, "UUID\tVALUE\tLABEL\tADDED BY\tADDED\tCOMMENT", func(e domain.ListEntry) string {
				return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", e.ID, e.Value, e.DisplayLabel, e.AddedBy, e.CreatedAt.UTC().Format(time.DateTime), e.Comment)
			})
		},
	}
	appFlag(cmd, &appRef)
	cmd.Flags().StringVar(&search, "search", "", "only entries whose value or label contains this")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func (a *app) listAddCmd() *cobra.Command {
	var appRef, value, session, label, comment string
	var asJSON bool
	cmd := &cobra.Command{
		Use: "add LIST", Short: "Add a value, or one taken from a session, to a list", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			caller := operator().In(ap.ID)
			l, err := listRef(a, svc, caller, args[0])
			if err != nil {
				return err
			}
			req := review.NewEntry{Value: value, DisplayLabel: label, Comment: comment}
			if session != "" {
				id, err := parseID("session", session)
				if err != nil {
					return err
				}
				req.ReferenceSessionID = &id
			}
			e, err := svc.AddEntry(a.ctx, caller, l.ID, req)
			if err != nil {
				return err
			}
			if asJSON {
				return a.printJSON(entryMap(e))
			}
			fmt.Fprintf(a.stdout, "added %s to %q (%s)\n", e.Value, l.Name, e.ID)
			return nil
		},
	}
	appFlag(cmd, &appRef)
	cmd.Flags().StringVar(&value, "value", "", "the value (normalised for the list's entry type)")
	cmd.Flags().StringVar(&session, "session", "", "take the value from this session id")
	cmd.Flags().StringVar(&label, "label", "", "a label shown with the entry")
	cmd.Flags().StringVar(&comment, "comment", "", "why it is on the list")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func (a *app) listRemoveCmd() *cobra.Command {
	var appRef string
	cmd := &cobra.Command{
		Use: "remove LIST ENTRY_UUID", Short: "Remove an entry from a list", Args: cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			id, err := parseID("entry", args[1])
			if err != nil {
				return err
			}
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			caller := operator().In(ap.ID)
			l, err := listRef(a, svc, caller, args[0])
			if err != nil {
				return err
			}
			if err := svc.RemoveEntry(a.ctx, caller, l.ID, id); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "removed %s from %q\n", id, l.Name)
			return nil
		},
	}
	appFlag(cmd, &appRef)
	return cmd
}
