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
	var appRef, fourEyes string
	var sla time.Duration
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Set an application's review settings: --four-eyes off|declines|all, --review-sla 24h (0: none)",
		Args:  cobra.NoArgs,
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
			if c.FourEyes == nil && c.ReviewSLA == nil {
				return fmt.Errorf("nothing to set: give --four-eyes or --review-sla")
			}
			svc, ap, err := a.openApp(appRef)
			if err != nil {
				return err
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
	cmd.Flags().StringVar(&appRef, "app", "", "application id or name")
	cmd.Flags().StringVar(&fourEyes, "four-eyes", "", "second review for analysts' decisions: off, declines or all")
	cmd.Flags().DurationVar(&sla, "review-sla", 0, "how long a queued case may wait for review, such as 24h (0: none)")
	cmd.MarkFlagRequired("app")
	return cmd
}
