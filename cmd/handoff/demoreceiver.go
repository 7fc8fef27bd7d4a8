package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"time"

	"handoff/demo"
	"handoff/internal/datadir"
)

// startDemoReceiver (serve --demo-receiver, tui --tour) runs the demo's webhook receiver when the data folder
// holds a demo.env (written by `handoff demo`): on the loopback address of
// its DEMO_WEBHOOK_URL, checking signatures with its DEMO_WEBHOOK_SECRET,
// read afresh for each delivery. It returns that address, which the
// webhook sender may then reach although it is not public (that address
// only), or "" without a demo. When another process (a serve beside the
// demo's workstation) already listens there, this one delivers to it.
func (a *app) startDemoReceiver() (target string, stop func()) {
	stop = func() {}
	dir, err := datadir.Default()
	if err != nil {
		return "", stop
	}
	path := datadir.SecretPath(dir, demo.EnvFile)
	env, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", stop
	} else if err != nil {
		a.log.Warn("demo receiver: reading demo.env", "err", err)
		return "", stop
	}
	u, err := url.Parse(demo.ReadEnv(env)["DEMO_WEBHOOK_URL"])
	if err != nil || u.Scheme != "http" {
		a.log.Warn("demo receiver: demo.env has no usable DEMO_WEBHOOK_URL", "path", path)
		return "", stop
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err != nil || !ip.IsLoopback() || u.Port() == "" {
		a.log.Warn("demo receiver: DEMO_WEBHOOK_URL is not a loopback address and port", "url", u.Redacted())
		return "", stop
	}
	target = u.Host
	secret := func() (string, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		if s := demo.ReadEnv(b)["DEMO_WEBHOOK_SECRET"]; s != "" {
			return s, nil
		}
		return "", fmt.Errorf("%s has no DEMO_WEBHOOK_SECRET", path)
	}
	mux := http.NewServeMux()
	mux.Handle(u.Path, demo.Receiver{Secret: secret, Log: a.log})
	ln, err := net.Listen("tcp", target)
	if err != nil {
		a.log.Info("demo receiver: not started here, delivering to the one already listening", "addr", target, "err", err)
		return target, stop
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: errorLog(a.log)}
	go srv.Serve(ln)
	a.log.Info("demo receiver listening", "url", u.String())
	return target, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}
}
