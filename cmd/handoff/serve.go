package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"handoff/api"
	"handoff/domain"
	"handoff/internal/datadir"
	"handoff/review"
	"handoff/store"
	"handoff/ui/sshd"
	"handoff/webhook"
)

func (a *app) serveCmd() *cobra.Command {
	var httpAddr, sshAddr, hostKey string
	var idle time.Duration
	var allowPrivate bool
	var deliverWorkers int
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the REST API (--http) and the workstation over SSH (--ssh)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if httpAddr == "" && sshAddr == "" {
				return domain.Invalidf("nothing to serve: give --http ADDR, --ssh ADDR, or both")
			}
			svc, err := a.open()
			if err != nil {
				return err
			}
			defer svc.Close()
			svc.SetPrivateWebhooks(allowPrivate)

			var servers []server
			if httpAddr != "" {
				srv, err := a.httpServer(svc, httpAddr)
				if err != nil {
					return err
				}
				servers = append(servers, srv)
			}
			if sshAddr != "" {
				srv, err := a.sshServer(svc, sshAddr, hostKey, idle)
				if err != nil {
					return err
				}
				servers = append(servers, srv)
			}
			errc := make(chan error, len(servers))
			for _, srv := range servers {
				go func() { errc <- srv.serve() }()
			}
			stopSender := a.startSender(svc.DB(), webhook.Config{Workers: deliverWorkers, AllowPrivate: allowPrivate})
			defer stopSender()
			var runErr error
			select {
			case runErr = <-errc:
			case <-a.ctx.Done():
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for _, srv := range servers {
				if err := srv.shutdown(ctx); err != nil && runErr == nil {
					runErr = err
				}
			}
			return runErr
		},
	}
	cmd.Flags().StringVar(&httpAddr, "http", "", "address for the REST API, e.g. 127.0.0.1:8080")
	cmd.Flags().StringVar(&sshAddr, "ssh", "", "address for the workstation over SSH, e.g. 127.0.0.1:23234")
	cmd.Flags().StringVar(&hostKey, "host-key", "", "SSH host key file, created on first start (default: in handoff's data folder)")
	cmd.Flags().DurationVar(&idle, "idle-timeout", 30*time.Minute, "close SSH connections with no keystroke for this long (0: never)")
	cmd.Flags().BoolVar(&allowPrivate, "allow-private-webhooks", false,
		"let webhook destinations be loopback, private or link-local addresses (local development only)")
	cmd.Flags().IntVar(&deliverWorkers, "deliver-workers", 8, "concurrent webhook deliveries from this process (0: deliver none)")
	return cmd
}

// server is one listener of serve: the API or SSH.
type server struct {
	serve    func() error
	shutdown func(context.Context) error
}

func (a *app) httpServer(svc *review.Service, addr string) (server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return server{}, fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: api.New(svc, a.log), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	fmt.Fprintf(a.stdout, "handoff API listening on http://%s\n", ln.Addr())
	return server{
		serve: func() error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
		shutdown: srv.Shutdown,
	}, nil
}

func (a *app) sshServer(svc *review.Service, addr, hostKey string, idle time.Duration) (server, error) {
	if hostKey == "" {
		dir, err := datadir.Default()
		if err != nil {
			return server{}, err
		}
		hostKey = datadir.SecretPath(dir, "ssh_host_ed25519")
		// Earlier releases kept it in the data folder itself; keep
		// using it there so known_hosts entries stay valid.
		if legacy := filepath.Join(dir, "ssh_host_ed25519"); fileExists(legacy) && !fileExists(hostKey) {
			hostKey = legacy
		}
	}
	srv, err := sshd.New(svc, sshd.Config{Addr: addr, HostKeyPath: hostKey, IdleTimeout: idle, Logger: a.log})
	if err != nil {
		return server{}, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return server{}, fmt.Errorf("listening on %s: %w", addr, err)
	}
	fmt.Fprintf(a.stdout, "handoff SSH listening on %s\n", ln.Addr())
	return server{serve: func() error { return srv.Serve(ln) }, shutdown: srv.Shutdown}, nil
}

// startSender runs the webhook sender until stop is called (no workers:
// none, e.g. for a process that only serves the API).
func (a *app) startSender(db *store.DB, cfg webhook.Config) (stop func()) {
	if cfg.Workers <= 0 {
		return func() {}
	}
	cfg.Log = a.log
	ctx, cancel := context.WithCancel(a.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		webhook.New(db, cfg).Run(ctx)
	}()
	return func() { cancel(); <-done }
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
