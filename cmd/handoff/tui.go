package main

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/ui"
	"handoff/ui/widget/picture"
	"handoff/webhook"
)

func (a *app) tuiCmd() *cobra.Command {
	var appRef, analyst, images, tab string
	var showTour bool
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Open the review workstation in this terminal",
		Long: "Opens the keyboard-driven review workstation for one application, acting as analyst NAME.\n" +
			"Without --app it opens the demo partner (" + demo.Partner + ") when it exists, else the\n" +
			"first application. Causes of errors are logged to " + tuiLogPath() + ".",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if analyst == "" {
				analyst = osUser()
			}
			if tab != "" {
				if _, err := ui.ParseTab(tab); err != nil {
					return err
				}
			}
			if images != "" {
				if _, err := picture.ParseMode(images); err != nil {
					return err
				}
			}
			// Logs must not draw over the screen: they go to a file.
			logf, logger := tuiLogger()
			if logf != nil {
				defer logf.Close()
			}
			a.log = logger
			svc, err := a.open()
			if err != nil {
				return err
			}
			target, err := a.tuiApp(svc, appRef)
			if err != nil {
				return err
			}
			stopSequencer := startSequencer(a.ctx, svc)
			defer stopSequencer()
			var tour *ui.Tour
			if _, err := svc.Application(a.ctx, operator(), demo.Partner); err == nil {
				tour = &ui.Tour{Issuer: demo.Issuer, Partner: demo.Partner, Receiver: demo.ReceiverLabel, Hidden: !showTour}
			}
			if showTour {
				// The tour ends at a webhook delivered to the demo's own
				// receiver: this process runs both ends, as serve does.
				target, stopReceiver := a.startDemoReceiver()
				defer stopReceiver()
				stopSender := a.startSender(svc.DB(), webhook.Config{Workers: 2, PrivateTargets: nonEmpty(target),
					Secrets: svc.OpenDeliverySecrets, Decision: svc.DeliveryDecision})
				defer stopSender()
			}
			out, in := a.stdout, a.stdin
			var answers *picture.Answers
			if images == "" && readsTerminal(a.stdin) && isTerminal(out) &&
				picture.Detect(os.Getenv) != picture.Text { // no escape codes for a dumb terminal
				answers = picture.ProbeTTY(picture.ProbeTimeout)
				in = picture.WithoutReplies(in) // a late answer is no key
			}
			caller := review.Analyst(target.ID, analyst)
			model := ui.New(a.ctx, svc, caller, ui.Options{
				Renderer: lipgloss.NewRenderer(out),
				Output:   out,
				Environ:  os.Environ(),
				Logger:   logger,
				Images:   images,
				Answers:  answers,
				Tab:      tab,
				Tour:     tour,
			})
			p := tea.NewProgram(model, tea.WithContext(a.ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen())
			_, err = p.Run()
			if errors.Is(err, tea.ErrProgramKilled) && a.ctx.Err() != nil {
				return nil // interrupted by a signal
			}
			return err
		},
	}
	cmd.Flags().StringVar(&appRef, "app", "", "application id or name (default: the demo partner, else the first application)")
	cmd.Flags().StringVar(&images, "images", "", "how evidence pictures are drawn: kitty, iterm2, sixel, blocks, text or off (default: detected from the terminal)")
	cmd.Flags().StringVar(&tab, "tab", "", "the tab to open on: "+strings.Join(ui.TabNames, ", ")+" (default: sessions)")
	cmd.Flags().BoolVar(&showTour, "tour", false, "show the demo's guided tour (t shows and hides it) and deliver its webhooks to the demo receiver")
	cmd.Flags().StringVar(&analyst, "as", "", "analyst name for the audit trail (default: the operating-system user)")
	return cmd
}

// tuiApp resolves --app, defaulting to the demo partner, then the first
// application.
func (a *app) tuiApp(svc *review.Service, ref string) (domain.Application, error) {
	if ref != "" {
		return svc.Application(a.ctx, operator(), ref)
	}
	if app, err := svc.Application(a.ctx, operator(), demo.Partner); err == nil {
		return app, nil
	} else if !domain.IsCode(err, domain.CodeNotFound) {
		return domain.Application{}, err
	}
	apps, err := svc.Applications(a.ctx, operator())
	if err != nil {
		return domain.Application{}, err
	}
	if len(apps) == 0 {
		return domain.Application{}, domain.Invalidf("there is no application yet: run `handoff demo`, or `handoff app create`")
	}
	return apps[0], nil
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "analyst"
}

func tuiLogPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "handoff", "tui.log")
}

// tuiLogger appends to the TUI log file, or discards when it cannot.
func tuiLogger() (*os.File, *slog.Logger) {
	path := tuiLogPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
			return f, slog.New(slog.NewTextHandler(f, nil))
		}
	}
	return nil, slog.New(slog.NewTextHandler(io.Discard, nil))
}

// readsTerminal reports whether r is a terminal.
func readsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && isTerminal(f)
}
