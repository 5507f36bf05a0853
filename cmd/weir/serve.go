package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/api"
	"github.com/weirhq/weir/enrich"
	"github.com/weirhq/weir/graph"
	"github.com/weirhq/weir/store/duckdb"
)

func init() { commands = append(commands, newServeCmd) }

func newServeCmd(g *globals) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API over the store",
		Long: "Serves the REST API (/api/v1) on --listen. Calls need a bearer token: set WEIR_TOKEN, or\n" +
			"weir makes one and prints it once.",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			tables, err := g.loadEnrichment(ctx, st)
			if err != nil {
				return err
			}
			token := os.Getenv("WEIR_TOKEN")
			if token == "" {
				token = newToken()
				fmt.Fprintf(cmd.OutOrStdout(), "API token (shown once): %s\n", token)
			}
			return serveAPI(ctx, g, cmd, st, tables, listen, token)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8080", "address to serve on")
	return cmd
}

func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "weir_" + hex.EncodeToString(b)
}

// serveAPI serves until ctx ends (Ctrl-C), then shuts down cleanly.
func serveAPI(ctx context.Context, g *globals, cmd *cobra.Command, st *duckdb.Store, tables *enrich.Tables, listen, token string) error {
	var workloads graph.Workloads
	if tables.Inventory != nil {
		workloads = tables.Inventory
	}
	maps, err := graph.New(graph.Configuration{}, graph.Dependencies{Flows: st, Workloads: workloads})
	if err != nil {
		return err
	}
	srv := api.New(g.logger(), api.Configuration{Tokens: []string{token}}, api.Dependencies{Flows: st, Maps: maps})
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", listen, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(cmd.OutOrStdout(), "serving the API on http://%s (Ctrl-C stops)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), "stopped")
	return nil
}
