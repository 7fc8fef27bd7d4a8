package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
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
	var sshLimits sshd.Limits
	var allowPrivate, demoReceiver bool
	var deliverWorkers int
	var pprofAddr string
	var logFormat, logLevel string
	var proxies []string
	var metricsAddr string
	var tlsCert, tlsKey string
	var publicURL string
	authLimit := api.DefaultAuthLimit
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the REST API (--http) and the workstation over SSH (--ssh)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if httpAddr == "" && sshAddr == "" {
				return domain.Invalidf("nothing to serve: give --http ADDR, --ssh ADDR, or both")
			}
			if err := a.setLogFormat(logFormat, logLevel); err != nil {
				return err
			}
			trusted, err := parsePrefixes(proxies)
			if err != nil {
				return err
			}
			if authLimit.PerSecond < 0 || authLimit.Burst < 1 {
				return domain.Invalidf("--auth-fail-rate must be 0 or more and --auth-fail-burst at least 1")
			}
			if (tlsCert == "") != (tlsKey == "") {
				return domain.Invalidf("--tls-cert and --tls-key go together: give both files, or neither")
			}
			if tlsCert != "" && httpAddr == "" {
				return domain.Invalidf("--tls-cert is for the API: give --http ADDR too")
			}
			var publicBase string
			if publicURL != "" {
				if publicBase, err = domain.ParsePublicURL(publicURL); err != nil {
					return err
				}
			}
			var certs *certReloader
			if tlsCert != "" {
				if certs, err = newCertReloader(tlsCert, tlsKey, a.log); err != nil {
					return err
				}
				certs.watch(a.ctx)
			}
			sm, err := a.newServeMetrics(metricsAddr, httpAddr)
			if err != nil {
				return err
			}
			svc, err := a.open()
			if err != nil {
				return err
			}
			defer svc.Close()
			svc.SetPrivateWebhooks(allowPrivate)
			svc.SetPublicURL(publicBase)

			var servers []server
			var sshSessions func() int
			if httpAddr != "" {
				opts := append(sm.apiOptions(), api.WithTrustedProxies(trusted), api.WithAuthLimit(authLimit))
				srv, err := a.httpServer(svc, httpAddr, certs, opts...)
				if err != nil {
					return err
				}
				servers = append(servers, srv)
			}
			if sshAddr != "" {
				srv, err := a.sshServer(svc, sshAddr, hostKey, idle, sshLimits)
				if err != nil {
					return err
				}
				servers = append(servers, srv)
				sshSessions = srv.sessions
			}
			if sm != nil {
				srv, err := sm.server(a, svc, sshSessions)
				if err != nil {
					return err
				}
				servers = append(servers, srv)
			}
			errc := make(chan error, len(servers))
			for _, srv := range servers {
				go func() { errc <- srv.serve() }()
			}
			demoTarget, stopReceiver := "", func() {}
			if demoReceiver {
				demoTarget, stopReceiver = a.startDemoReceiver()
			}
			defer stopReceiver()
			stopSender := a.startSender(svc.DB(), sm.senderConfig(webhook.Config{Workers: deliverWorkers, AllowPrivate: allowPrivate,
				PrivateTargets: nonEmpty(demoTarget), Secrets: svc.OpenDeliverySecrets, Decision: svc.DeliveryDecision}))
			defer stopSender()
			stopSequencer := startSequencer(a.ctx, svc)
			defer stopSequencer()
			stopHousekeeping := startHousekeeping(a.ctx, svc)
			defer stopHousekeeping()
			if pprofAddr != "" {
				if err := a.servePprof(pprofAddr); err != nil {
					return err
				}
			}
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
	cmd.Flags().DurationVar(&sshLimits.LoginTimeout, "ssh-login-timeout", 20*time.Second, "close SSH connections that have not logged in within this long")
	cmd.Flags().IntVar(&sshLimits.PerSource, "ssh-max-unauthenticated-per-address", 10, "SSH connections one client address may have open before logging in")
	cmd.Flags().IntVar(&sshLimits.Unauthenticated, "ssh-max-unauthenticated", 256, "SSH connections that may be open before logging in, all addresses together")
	cmd.Flags().BoolVar(&allowPrivate, "allow-private-webhooks", false,
		"let webhook destinations be loopback, private or link-local addresses (local development only)")
	cmd.Flags().BoolVar(&demoReceiver, "demo-receiver", false,
		"run the demo's webhook receiver (from demo.env, loopback only) and deliver to that one address (demo only)")
	cmd.Flags().StringVar(&pprofAddr, "pprof", "", "serve Go's profiles (net/http/pprof) on this loopback address, for benchmarks")
	cmd.Flags().IntVar(&deliverWorkers, "deliver-workers", 8, "concurrent webhook deliveries from this process (0: deliver none)")
	cmd.Flags().StringVar(&metricsAddr, "metrics", "", "address for Prometheus metrics at /metrics, e.g. 127.0.0.1:9090 (off unless given; never the API's)")
	cmd.Flags().StringVar(&tlsCert, "tls-cert", "", "serve the API over HTTPS with this PEM certificate (chain) file; reloaded on SIGHUP")
	cmd.Flags().StringVar(&tlsKey, "tls-key", "", "the PEM private key of --tls-cert")
	cmd.Flags().StringVar(&publicURL, "public-url", "", "the address partners reach the API at, e.g. https://handoff.example.com: "+
		"webhook decisions then carry session_url and media links on it (without it, neither)")
	cmd.Flags().StringVar(&logFormat, "log-format", "text", "log lines as text (key=value) or json, on standard error")
	cmd.Flags().StringVar(&logLevel, "log-level", "info",
		"least severe lines logged: debug, info (one line per request), warn (refused requests and problems only), error")
	cmd.Flags().StringSliceVar(&proxies, "trusted-proxy", nil,
		"a reverse proxy's address or CIDR whose X-Forwarded-For gives the client address (repeatable)")
	cmd.Flags().Float64Var(&authLimit.PerSecond, "auth-fail-rate", authLimit.PerSecond,
		"failed authentications per second one client address may keep up before it gets 429 (0: no limit)")
	cmd.Flags().IntVar(&authLimit.Burst, "auth-fail-burst", authLimit.Burst, "failed authentications one client address may make at once")
	return cmd
}

// server is one listener of serve: the API, SSH or the metrics.
type server struct {
	serve    func() error
	shutdown func(context.Context) error
	sessions func() int // SSH only: connected workstations
}

// errorLog sends net/http's own complaints (TLS handshakes, bad requests)
// to the structured log.
func errorLog(l *slog.Logger) *log.Logger { return slog.NewLogLogger(l.Handler(), slog.LevelWarn) }

// setLogFormat replaces the logger with one writing format to stderr,
// from level up.
func (a *app) setLogFormat(format, level string) error {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return domain.Invalidf("--log-level must be debug, info, warn or error, not %q", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		a.log = slog.New(slog.NewTextHandler(a.stderr, opts))
	case "json":
		a.log = slog.New(slog.NewJSONHandler(a.stderr, opts))
	default:
		return domain.Invalidf("--log-format must be text or json, not %q", format)
	}
	return nil
}

// parsePrefixes reads --trusted-proxy values: addresses or CIDRs.
func parsePrefixes(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, domain.Invalidf("--trusted-proxy %q is not an IP address or CIDR (e.g. 10.0.0.5 or 10.0.0.0/8)", v)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func (a *app) httpServer(svc *review.Service, addr string, certs *certReloader, opts ...api.Option) (server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return server{}, fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: api.New(svc, a.log, opts...), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: errorLog(a.log)}
	scheme := "http"
	if certs != nil {
		scheme = "https"
		srv.TLSConfig = certs.tlsConfig()
	}
	fmt.Fprintf(a.stdout, "handoff API listening on %s://%s\n", scheme, ln.Addr())
	return server{
		serve: func() error {
			var err error
			if certs != nil {
				err = srv.ServeTLS(ln, "", "") // the certificate comes from TLSConfig, reloadable
			} else {
				err = srv.Serve(ln)
			}
			if !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
		shutdown: srv.Shutdown,
	}, nil
}

func (a *app) sshServer(svc *review.Service, addr, hostKey string, idle time.Duration, limits sshd.Limits) (server, error) {
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
	srv, err := sshd.New(svc, sshd.Config{Addr: addr, HostKeyPath: hostKey, IdleTimeout: idle, Limits: limits, Logger: a.log})
	if err != nil {
		return server{}, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return server{}, fmt.Errorf("listening on %s: %w", addr, err)
	}
	fmt.Fprintf(a.stdout, "handoff SSH listening on %s\n", ln.Addr())
	return server{serve: func() error { return srv.Serve(ln) }, shutdown: srv.Shutdown, sessions: srv.Sessions}, nil
}

// servePprof serves net/http/pprof on a loopback address only: profiles
// show what the process does and are not for the network.
func (a *app) servePprof(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return domain.Invalidf("--pprof %q: give a loopback address such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go http.Serve(ln, mux)
	return nil
}

// sealEvery is how often an idle sequencer looks for audit events to seal;
// a busy one goes on at once.
const sealEvery = 20 * time.Millisecond

// startSequencer seals audit events until stop is called. Every process
// that serves runs one; each application's tree is sealed by one of them
// at a time.
func startSequencer(ctx context.Context, svc *review.Service) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.RunSequencer(ctx, sealEvery)
	}()
	return func() { cancel(); <-done }
}

// housekeepingEvery is how often housekeeping looks for sessions past
// their application's retention and sessions still to index.
const housekeepingEvery = time.Minute

// startHousekeeping runs the purger and the identifier indexing until stop
// is called. Every serving process runs one; the purge lock and skipped
// row locks let one at a time work on each.
func startHousekeeping(ctx context.Context, svc *review.Service) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.RunHousekeeping(ctx, housekeepingEvery)
	}()
	return func() { cancel(); <-done }
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

// nonEmpty is s as a list, empty when s is.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
