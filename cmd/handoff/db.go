package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"handoff/store"
	"handoff/store/localpg"
)

const localDB = "handoff"

// databaseDSN is DATABASE_URL when set; otherwise the default local
// cluster is started (or reused) and its handoff database created.
func databaseDSN(ctx context.Context) (string, error) {
	if url := os.Getenv("DATABASE_URL"); url != "" {
		return url, nil
	}
	c, err := defaultCluster()
	if err != nil {
		return "", err
	}
	if err := c.Start(ctx); err != nil {
		return "", err
	}
	if err := store.EnsureDatabase(ctx, c.DSN("postgres"), localDB); err != nil {
		return "", err
	}
	return c.DSN(localDB), nil
}

func defaultCluster() (*localpg.Cluster, error) {
	dir, err := localpg.DefaultDir()
	if err != nil {
		return nil, err
	}
	port := localpg.DefaultPort
	if p := os.Getenv("HANDOFF_PG_PORT"); p != "" {
		if _, err := fmt.Sscanf(p, "%d", &port); err != nil {
			return nil, fmt.Errorf("HANDOFF_PG_PORT=%q is not a port number", p)
		}
	}
	return localpg.New(localpg.Config{Dir: dir, Port: port, Durable: true})
}

func (a *app) dbCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "db", Short: "Manage the local PostgreSQL cluster (used when DATABASE_URL is unset)"}
	cmd.AddCommand(&cobra.Command{
		Use: "start", Short: "Start the local cluster (idempotent) and print its URL", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			c, err := defaultCluster()
			if err != nil {
				return err
			}
			if err := c.Start(a.ctx); err != nil {
				return err
			}
			if err := store.EnsureDatabase(a.ctx, c.DSN("postgres"), localDB); err != nil {
				return err
			}
			db, err := store.Open(a.ctx, c.DSN(localDB))
			if err != nil {
				return err
			}
			db.Close()
			url, err := c.URL(localDB)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, url)
			return nil
		},
	}, &cobra.Command{
		Use: "stop", Short: "Stop the local cluster", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			c, err := defaultCluster()
			if err != nil {
				return err
			}
			return c.Stop(a.ctx)
		},
	}, &cobra.Command{
		Use: "url", Short: "Print the local cluster's connection URL", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			c, err := defaultCluster()
			if err != nil {
				return err
			}
			url, err := c.URL(localDB)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, url)
			return nil
		},
	})
	return cmd
}

func (a *app) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use: "migrate", Short: "Apply pending schema migrations", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if _, err := a.open(); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "schema up to date")
			return nil
		},
	}
}
