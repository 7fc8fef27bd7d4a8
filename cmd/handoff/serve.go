package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"handoff/api"
	"handoff/review"
)

func (a *app) serveCmd() *cobra.Command {
	var httpAddr string
	var allowPrivate bool
	var deliverWorkers int
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the REST API",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if httpAddr == "" {
				return fmt.Errorf("nothing to serve: give --http ADDR")
			}
			svc, err := a.open()
			if err != nil {
				return err
			}
			svc.SetPrivateWebhooks(allowPrivate)
			ln, err := net.Listen("tcp", httpAddr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", httpAddr, err)
			}
			srv := &http.Server{Handler: api.New(svc, a.log), ReadHeaderTimeout: 10 * time.Second,
				ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
			fmt.Fprintf(a.stdout, "handoff API listening on http://%s\n", ln.Addr())
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			stopDeliverer := startDeliverer(a.ctx, svc, deliverWorkers)
			defer stopDeliverer()
			select {
			case err := <-errc:
				return err
			case <-a.ctx.Done():
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&httpAddr, "http", "", "address for the REST API, e.g. 127.0.0.1:8080")
	cmd.Flags().BoolVar(&allowPrivate, "allow-private-webhooks", false,
		"let webhook destinations be loopback, private or link-local addresses (local development only)")
	cmd.Flags().IntVar(&deliverWorkers, "deliver-workers", 8, "concurrent webhook deliveries from this process (0: deliver none)")
	return cmd
}

// startDeliverer runs the webhook deliverer until stop is called (workers
// <= 0: none, e.g. for a process that only serves the API).
func startDeliverer(ctx context.Context, svc *review.Service, workers int) (stop func()) {
	if workers <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.NewDeliverer(review.DeliverConfig{Workers: workers}).Run(ctx)
	}()
	return func() { cancel(); <-done }
}
