package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"handoff/domain"
	"handoff/review"
	"handoff/webhookverify"
)

func (a *app) webhookCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "webhook", Short: "Manage webhook destinations, see deliveries, verify signatures"}
	cmd.AddCommand(a.webhookAddCmd(), a.webhookListCmd(), a.webhookRemoveCmd(), a.webhookRotateCmd(),
		a.webhookDeliveriesCmd(), a.webhookRedeliverCmd(), a.webhookVerifyCmd())
	return cmd
}

// operator opens the service and resolves --app to the caller managing its
// webhooks.
func (a *app) operator(appRef string) (*review.Service, domain.Caller, error) {
	svc, ap, err := a.openApp(appRef)
	if err != nil {
		return nil, domain.Caller{}, err
	}
	return svc, review.WebhookOperator(ap.ID), nil
}

func parseID(what, s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return uuid.Nil, domain.Invalidf("%q is not a %s id (not a uuid)", s, what)
	}
	return id, nil
}

func destinationMap(d domain.Destination) map[string]any {
	return map[string]any{"uuid": d.ID, "url": d.URL, "label": d.Label, "subscribed_events": d.SubscribedEvents,
		"enabled": d.Enabled, "created_at": d.CreatedAt, "updated_at": d.UpdatedAt}
}

func (a *app) webhookAddCmd() *cobra.Command {
	var appRef, url, label string
	var events []string
	var disabled, asJSON bool
	cmd := &cobra.Command{
		Use: "add", Short: "Add a destination; prints its signing secret once", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, caller, err := a.operator(appRef)
			if err != nil {
				return err
			}
			enabled := !disabled
			out, err := svc.CreateDestination(a.ctx, caller, review.DestinationInput{URL: &url, Label: &label,
				SubscribedEvents: &events, Enabled: &enabled})
			if err != nil {
				return err
			}
			if asJSON {
				m := destinationMap(out.Destination)
				m["secret_shared_key"] = out.Secret
				return a.printJSON(m)
			}
			d := out.Destination
			fmt.Fprintf(a.stdout, "destination  %s\nurl          %s\nevents       %s\nsecret       %s   (shown once: store it now)\n",
				d.ID, d.URL, strings.Join(d.SubscribedEvents, ", "), out.Secret)
			return nil
		},
	}
	appFlag(cmd, &appRef)
	cmd.Flags().StringVar(&url, "url", "", "where to POST events (http or https)")
	cmd.Flags().StringArrayVar(&events, "event", []string{domain.EventStatusUpdated},
		"event to subscribe to, repeatable: "+strings.Join(domain.WebhookEvents, ", "))
	cmd.Flags().StringVar(&label, "label", "", "a name for the destination")
	cmd.Flags().BoolVar(&disabled, "disabled", false, "create it disabled")
	jsonFlag(cmd, &asJSON)
	cmd.MarkFlagRequired("url")
	return cmd
}

func (a *app) webhookListCmd() *cobra.Command {
	var appRef string
	var asJSON bool
	cmd := &cobra.Command{
		Use: "list", Short: "List an application's destinations (secrets are never shown again)", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, caller, err := a.operator(appRef)
			if err != nil {
				return err
			}
			list, err := svc.Destinations(a.ctx, caller)
			if err != nil {
				return err
			}
			header := "DESTINATION\tURL\tEVENTS\tENABLED\tLABEL\tPREVIOUS SECRET UNTIL"
			return printRows(a, asJSON, list, destinationMap, header, func(d domain.Destination) string {
				until := "-"
				if d.PreviousSecretUntil != nil {
					until = d.PreviousSecretUntil.Local().Format("2006-01-02 15:04")
				}
				return fmt.Sprintf("%s\t%s\t%s\t%v\t%s\t%s", d.ID, d.URL, strings.Join(d.SubscribedEvents, ","), d.Enabled, d.Label, until)
			})
		},
	}
	appFlag(cmd, &appRef)
	jsonFlag(cmd, &asJSON)
	return cmd
}

func (a *app) webhookRemoveCmd() *cobra.Command {
	var appRef string
	cmd := &cobra.Command{
		Use: "remove DESTINATION_ID", Short: "Remove a destination; its pending deliveries are marked failed", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			id, err := parseID("destination", args[0])
			if err != nil {
				return err
			}
			svc, caller, err := a.operator(appRef)
			if err != nil {
				return err
			}
			if err := svc.DeleteDestination(a.ctx, caller, id); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "removed %s\n", id)
			return nil
		},
	}
	appFlag(cmd, &appRef)
	return cmd
}

func (a *app) webhookRotateCmd() *cobra.Command {
	var appRef string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rotate-secret DESTINATION_ID",
		Short: "Give a destination a new secret; the old one keeps signing X-Signature-V2-Previous for 24 h",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			id, err := parseID("destination", args[0])
			if err != nil {
				return err
			}
			svc, caller, err := a.operator(appRef)
			if err != nil {
				return err
			}
			secret, err := svc.RotateDestinationSecret(a.ctx, caller, id)
			if err != nil {
				return err
			}
			until := time.Now().Add(domain.SecretOverlap)
			if asJSON {
				return a.printJSON(map[string]any{"uuid": id, "secret_shared_key": secret, "previous_secret_until": until})
			}
			fmt.Fprintf(a.stdout, "secret  %s   (shown once: store it now)\n"+
				"until %s deliveries also carry X-Signature-V2-Previous and X-Signature-Previous made with the old secret\n",
				secret, until.Format("2006-01-02 15:04 MST"))
			return nil
		},
	}
	appFlag(cmd, &appRef)
	jsonFlag(cmd, &asJSON)
	return cmd
}

func (a *app) webhookDeliveriesCmd() *cobra.Command {
	var appRef string
	var failed, asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use: "deliveries", Short: "Show recent webhook deliveries (of one application, or all)", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			svc, err := a.open()
			if err != nil {
				return err
			}
			apps, err := a.appsOrAll(svc, appRef)
			if err != nil {
				return err
			}
			var rows []review.DeliveryInfo
			for _, ap := range apps {
				ds, err := svc.Deliveries(a.ctx, review.WebhookOperator(ap.ID), failed, limit)
				if err != nil {
					return err
				}
				rows = append(rows, ds...)
			}
			return printRows(a, asJSON, rows, deliveryMap, "QUEUED\tEVENT\tTYPE\tURL\tSTATE\tATTEMPTS\tLAST RESULT", func(d review.DeliveryInfo) string {
				return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%d\t%s", d.QueuedAt.Local().Format("2006-01-02 15:04:05"),
					d.EventID, d.WebhookType, d.URL, deliveryState(d), d.Attempts, lastResult(d))
			})
		},
	}
	cmd.Flags().StringVar(&appRef, "app", "", "application id or name (default: all)")
	cmd.Flags().BoolVar(&failed, "failed", false, "only deliveries that gave up")
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many per application")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func deliveryMap(d review.DeliveryInfo) map[string]any {
	return map[string]any{"application_id": d.ApplicationID, "event_id": d.EventID,
		"destination_id": d.DestinationID, "url": d.URL, "webhook_type": d.WebhookType,
		"session_id": d.SessionID, "state": d.State, "attempts": d.Attempts, "queued_at": d.QueuedAt,
		"next_attempt_at": d.NextAttemptAt, "last_status": d.LastStatusCode, "last_error": d.LastError,
		"delivered_at": d.DeliveredAt}
}

func deliveryState(d review.DeliveryInfo) string {
	if d.State == "pending" && d.Attempts > 0 {
		return "retrying at " + d.NextAttemptAt.Local().Format("15:04:05")
	}
	return d.State
}

func lastResult(d review.DeliveryInfo) string {
	switch {
	case d.LastError != "":
		return d.LastError
	case d.LastStatusCode != 0:
		return fmt.Sprintf("HTTP %d", d.LastStatusCode)
	}
	return "-"
}

func (a *app) webhookRedeliverCmd() *cobra.Command {
	var appRef, dest string
	cmd := &cobra.Command{
		Use: "redeliver EVENT_ID", Short: "Send an event again (to all its destinations, or one)", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			event, err := parseID("event", args[0])
			if err != nil {
				return err
			}
			var destID *uuid.UUID
			if dest != "" {
				id, err := parseID("destination", dest)
				if err != nil {
					return err
				}
				destID = &id
			}
			svc, err := a.open()
			if err != nil {
				return err
			}
			var appID uuid.UUID
			if appRef != "" {
				ap, err := a.findApp(svc, appRef)
				if err != nil {
					return err
				}
				appID = ap.ID
			} else if appID, err = svc.WebhookEventApplication(a.ctx, operator(), event); err != nil {
				return err
			}
			n, err := svc.Redeliver(a.ctx, review.WebhookOperator(appID), event, destID)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "queued %d of %s's deliveries again\n", n, event)
			return nil
		},
	}
	cmd.Flags().StringVar(&appRef, "app", "", "application id or name (default: the event's)")
	cmd.Flags().StringVar(&dest, "destination", "", "only to this destination id")
	return cmd
}

// errNotGenuine makes verify exit 1 (domain errors exit 2).
type errNotGenuine struct{ reason string }

func (e errNotGenuine) Error() string { return "not genuine: " + e.reason }

func (a *app) webhookVerifyCmd() *cobra.Command {
	var secret, timestamp, sigV2, sigV1, sigSimple string
	cmd := &cobra.Command{
		Use:   "verify --secret S --timestamp T [--signature-v2 SIG] [--signature SIG] [--signature-simple SIG] < body.json",
		Short: "Check whether a delivery is genuine, as a receiver would",
		Long: "Reads the delivery's raw body from standard input and checks X-Timestamp (at most 300 s from now)\n" +
			"and each signature given with the destination's secret: X-Signature-V2 (the canonical body),\n" +
			"X-Signature (the exact body bytes) and X-Signature-Simple (timestamp, session_id, status and\n" +
			"webhook_type only). Prints one line per signature, then \"genuine\" and exits 0, or why not and exits 1.\n" +
			"The verdict is a receiver's: X-Signature-V2 or X-Signature when either is given (webhookverify.Verify),\n" +
			"else X-Signature-Simple (webhookverify.VerifySimple), which vouches for those four fields alone.\n" +
			"The secret may come from HANDOFF_WEBHOOK_SECRET instead of --secret.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if secret == "" {
				secret = os.Getenv("HANDOFF_WEBHOOK_SECRET")
			}
			if secret == "" {
				return domain.Invalidf("give --secret (the destination's secret_shared_key) or set HANDOFF_WEBHOOK_SECRET")
			}
			if timestamp == "" {
				return domain.Invalidf("give --timestamp (the X-Timestamp header)")
			}
			if sigV2 == "" && sigV1 == "" && sigSimple == "" {
				return domain.Invalidf("give --signature-v2 (the X-Signature-V2 header), --signature (X-Signature) or --signature-simple (X-Signature-Simple)")
			}
			body, err := io.ReadAll(io.LimitReader(a.stdin, 16<<20))
			if err != nil {
				return fmt.Errorf("reading the body from standard input: %w", err)
			}
			return a.verifyDelivery(secret, timestamp, map[string]string{
				"X-Signature-V2": sigV2, "X-Signature": sigV1, "X-Signature-Simple": sigSimple}, body)
		},
	}
	cmd.Flags().StringVar(&secret, "secret", "", "the destination's secret_shared_key")
	cmd.Flags().StringVar(&timestamp, "timestamp", "", "the X-Timestamp header")
	cmd.Flags().StringVar(&sigV2, "signature-v2", "", "the X-Signature-V2 header")
	cmd.Flags().StringVar(&sigV1, "signature", "", "the X-Signature header (HMAC of the exact body bytes)")
	cmd.Flags().StringVar(&sigSimple, "signature-simple", "", "the X-Signature-Simple header (HMAC of timestamp:session_id:status:webhook_type)")
	return cmd
}

// verifyDelivery checks each signature given on its own and says which
// verified, then decides as a receiver running webhookverify does.
func (a *app) verifyDelivery(secret, timestamp string, sigs map[string]string, body []byte) error {
	now := time.Now()
	only := func(name string) http.Header {
		h := http.Header{}
		h.Set("X-Timestamp", timestamp)
		h.Set(name, sigs[name])
		return h
	}
	for _, name := range []string{"X-Signature-V2", "X-Signature", "X-Signature-Simple"} {
		if sigs[name] == "" {
			continue
		}
		var err error
		if name == "X-Signature-Simple" {
			err = webhookverify.VerifySimple(secret, only(name), body, now)
		} else {
			err = webhookverify.Verify(secret, only(name), body, now)
		}
		verdict := "verified"
		if err != nil {
			verdict = "not verified: " + userMessage(err)
		}
		fmt.Fprintf(a.stdout, "%-19s %s\n", name, verdict)
	}
	all := http.Header{}
	all.Set("X-Timestamp", timestamp)
	for name, v := range sigs {
		if v != "" {
			all.Set(name, v)
		}
	}
	var err error
	if sigs["X-Signature-V2"] != "" || sigs["X-Signature"] != "" {
		err = webhookverify.Verify(secret, all, body, now) // the whole body
	} else {
		err = webhookverify.VerifySimple(secret, all, body, now)
	}
	if err != nil {
		return errNotGenuine{userMessage(err)}
	}
	if sigs["X-Signature-V2"] == "" && sigs["X-Signature"] == "" {
		fmt.Fprintln(a.stdout, "genuine (X-Signature-Simple alone: trust timestamp, session_id, status and webhook_type only)")
		return nil
	}
	fmt.Fprintln(a.stdout, "genuine")
	return nil
}
