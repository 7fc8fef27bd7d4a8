package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"handoff/domain"
	"handoff/review"
)

// setCmd is handoff app set: an application's review settings.
func (a *app) setCmd() *cobra.Command {
	var appRef, fourEyes, retention string
	var sla time.Duration
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Set an application's settings: --four-eyes off|declines|all, --review-sla 24h (0: none), --retention 30d..10y|unlimited",
		Long: "--retention is how long the application keeps sessions (days d, weeks w, months m of 30 days,\n" +
			"years y of 365 days; 30d to 10y) or unlimited (the default). Every `handoff serve` runs a purger\n" +
			"that erases older sessions for good: their payload and biometrics go, their number, status and\n" +
			"audit events stay. A partner's imported copy follows the partner's own retention.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var c review.SettingsChange
			if cmd.Flags().Changed("four-eyes") {
				p, err := domain.ParseFourEyes(fourEyes)
				if err != nil {
					return err
				}
				c.FourEyes = &p
			}
			if cmd.Flags().Changed("review-sla") {
				c.ReviewSLA = &sla
			}
			var days *int
			if cmd.Flags().Changed("retention") {
				d, err := domain.ParseRetention(retention)
				if err != nil {
					return err
				}
				days = d
			}
			if c.FourEyes == nil && c.ReviewSLA == nil && !cmd.Flags().Changed("retention") {
				return fmt.Errorf("nothing to set: give --four-eyes, --review-sla or --retention")
			}
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("retention") {
				if err := svc.SetRetention(a.ctx, operator(), ap.ID, days); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s keeps sessions for %s\n", ap.Name, domain.RetentionLabel(days))
				if c.FourEyes == nil && c.ReviewSLA == nil {
					return nil
				}
			}
			out, err := svc.SetAppSettings(a.ctx, operator(), ap.ID, c)
			if err != nil {
				return err
			}
			slaText := "none"
			if out.ReviewSLA > 0 {
				slaText = out.ReviewSLA.String()
			}
			fmt.Fprintf(a.stdout, "application  %s\nfour-eyes    %s\nreview SLA   %s\n", ap.Name, out.FourEyes, slaText)
			return nil
		},
	}
	appFlag(cmd, &appRef)
	cmd.Flags().StringVar(&fourEyes, "four-eyes", "", "second review for analysts' decisions: off, declines or all")
	cmd.Flags().DurationVar(&sla, "review-sla", 0, "how long a queued case may wait for review, such as 24h (0: none)")
	cmd.Flags().StringVar(&retention, "retention", "", "how long sessions are kept: 30d..10y, or unlimited")
	cmd.MarkFlagRequired("app")
	return cmd
}
