package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"handoff/domain"
	"handoff/review"
	"handoff/store"
)

// app is what every command shares: its streams and, once opened, the
// database and the review service.
type app struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	// stderrTTY: standard error is a terminal, so long work may draw a
	// progress bar on it.
	stderrTTY bool
	db        *store.DB
	svc       *review.Service
	// reviewOpts are added to the review service open builds (serve's
	// metrics observer).
	reviewOpts []review.Option
}

// Run runs the command line args and returns the exit code. Tests call it
// directly to boot the real program.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, stderrTTY: isTerminal(stderr),
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	defer a.close()
	root := &cobra.Command{
		Use:   "handoff",
		Short: "Reusable KYC/KYB: mint share tokens, import verified sessions, review them",
		Long: "handoff mints short-lived share tokens for finished verifications, imports them as full clones\n" +
			"in a partner's workspace, and gives analysts a keyboard-driven workstation to review them.\n\n" +
			"With DATABASE_URL unset it runs its own PostgreSQL cluster in its data folder.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       readBuildInfo().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(a.dbCmd(), a.migrateCmd(), a.appCmd(), a.sessionCmd(), a.serveCmd(), a.keysCmd(),
		a.auditCmd(), a.demoCmd(), a.tuiCmd(), a.analystCmd(), a.versionCmd())
	root.AddCommand(a.webhookCmd(), a.tokenCmd(), a.listCmd())
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "handoff:", userMessage(err))
		return exitCode(err)
	}
	return 0
}

// userMessage is the error as a person should read it.
func userMessage(err error) string {
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}

func exitCode(err error) int {
	if domain.ErrorCode(err) != "" {
		return 2
	}
	return 1
}

func (a *app) close() {
	if a.svc != nil {
		// A one-shot command seals the audit events it appended before it
		// exits (briefly; a serve process seals whatever is left).
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		for {
			if n, err := a.svc.SealAudit(ctx); err != nil || n == 0 {
				break
			}
		}
		cancel()
	}
	if a.db != nil {
		a.db.Close()
	}
}

// open connects to the database (starting the local cluster when
// DATABASE_URL is unset), migrates it, and builds the review service.
func (a *app) open() (*review.Service, error) {
	if a.svc != nil {
		return a.svc, nil
	}
	dsn, err := databaseDSN(a.ctx)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(a.ctx, dsn)
	if err != nil {
		return nil, err
	}
	a.db = db
	keys, err := a.loadKeys(a.ctx, db)
	if err != nil {
		return nil, err
	}
	a.svc = review.New(db, append([]review.Option{review.WithLogger(a.log), review.WithKeys(keys)}, a.reviewOpts...)...)
	return a.svc, nil
}

// openApp opens the database and resolves --app.
func (a *app) openApp(idOrName string) (*review.Service, domain.Application, error) {
	svc, err := a.open()
	if err != nil {
		return nil, domain.Application{}, err
	}
	ap, err := a.findApp(svc, idOrName)
	return svc, ap, err
}

// appsOrAll resolves an optional --app: that application, or every one.
func (a *app) appsOrAll(svc *review.Service, idOrName string) ([]domain.Application, error) {
	if idOrName == "" {
		return svc.Applications(a.ctx, operator())
	}
	ap, err := a.findApp(svc, idOrName)
	return []domain.Application{ap}, err
}

// findApp resolves --app, an application's id or name.
func (a *app) findApp(svc *review.Service, idOrName string) (domain.Application, error) {
	if idOrName == "" {
		return domain.Application{}, domain.Invalidf("--app is required (an application id or name; see `handoff app list`)")
	}
	return svc.Application(a.ctx, operator(), idOrName)
}
