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

	"github.com/weirhq/weir/agent"
	"github.com/weirhq/weir/api"
	"github.com/weirhq/weir/detect/all"
	"github.com/weirhq/weir/enrich"
	"github.com/weirhq/weir/graph"
	"github.com/weirhq/weir/hunt"
	"github.com/weirhq/weir/notify"
	"github.com/weirhq/weir/quarantine"
	"github.com/weirhq/weir/state"
	"github.com/weirhq/weir/store/duckdb"
	"github.com/weirhq/weir/web"
)

func init() { commands = append(commands, newServeCmd) }

func newServeCmd(g *globals) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API and the web console over the store",
		Long: "Serves the REST API (/api/v1) and the web console (/) on --listen. Calls need a bearer token:\n" +
			"set WEIR_TOKEN, or weir makes one and prints it once; the console asks for it.",
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
			return serveAPI(ctx, g, cmd, st, tables, listen, token, time.Time{})
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

// serveAPI serves until ctx ends (Ctrl-C), then shuts down cleanly. It runs hunts
// on the schedule of the config file, and first one ending at huntUntil when that
// is set (the demo hunts its simulated day at once).
func serveAPI(ctx context.Context, g *globals, cmd *cobra.Command, st *duckdb.Store, tables *enrich.Tables, listen, token string, huntUntil time.Time) error {
	var workloads graph.Workloads
	if tables.Inventory != nil {
		workloads = tables.Inventory
	}
	maps, err := graph.New(graph.Configuration{}, graph.Dependencies{Flows: st, Workloads: workloads})
	if err != nil {
		return err
	}
	findings, err := state.Open(ctx, st.DB())
	if err != nil {
		return err
	}
	fc := g.file
	if fc == nil {
		fc = &fileConfig{}
	}
	notifier, err := notify.New(g.logger(), fc.Notify, notify.Dependencies{})
	if err != nil {
		return fmt.Errorf("--config: notify: %w", err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		notifier.Stop(stop)
	}()
	sched, err := hunt.NewScheduler(g.logger(), g.huntConfig(), hunt.Dependencies{Source: st, Store: findings,
		Detectors: all.Detectors(), OnReport: func(r hunt.Report, _ error) { notifyAll(notifier, r) }})
	if err != nil {
		return fmt.Errorf("--config: %w", err)
	}
	acfg := fc.Agent
	acfg.Rewrite.APIKey = os.Getenv("WEIR_AGENT_API_KEY") // a secret: never read from the file
	ag, err := agent.New(g.logger(), acfg, agent.Dependencies{Findings: trackedFindings{findings}})
	if err != nil {
		return fmt.Errorf("--config: agent: %w", err)
	}
	if !huntUntil.IsZero() {
		r, err := sched.Hunt(ctx, huntUntil, 24*time.Hour)
		if err != nil {
			return fmt.Errorf("hunt: %w", err)
		}
		notifyAll(notifier, r)
		fmt.Fprintf(cmd.OutOrStdout(), "hunted %s to %s: %d findings (%d new)\n", r.From.Format(time.RFC3339),
			r.Until.Format(time.RFC3339), r.Found-r.Suppressed, r.Opened)
	}
	// The scheduler stops when serving does; wait for it before the store closes under it.
	hctx, stopHunts := context.WithCancel(ctx)
	hunting := make(chan struct{})
	go func() { sched.Run(hctx); close(hunting) }()
	defer func() { stopHunts(); <-hunting }()
	qm, err := newQuarantine(ctx, g, fc, st, findings, tables)
	if err != nil {
		return err
	}
	quarantining, verifying := make(chan struct{}), make(chan struct{})
	go func() { qm.Run(hctx); close(quarantining) }()
	go func() { verifyQuarantines(hctx, g, qm, findings, notifier); close(verifying) }()
	defer func() { stopHunts(); <-quarantining; <-verifying }()
	srv := api.New(g.logger(), api.Configuration{Tokens: []string{token}},
		api.Dependencies{Flows: st, Maps: maps, Findings: findings, Hunter: sched, Agent: ag, Quarantine: qm,
			Tokens: findings, Console: web.Handler()})
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", listen, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(cmd.OutOrStdout(), "serving the API and the console on http://%s (Ctrl-C stops)\n", ln.Addr())
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

// notifyAll hands a hunt's findings to the notification channels; it never blocks.
func notifyAll(n *notify.Notifier, r hunt.Report) {
	for _, f := range r.Findings {
		n.Send(f)
	}
}

// trackedFindings gives the agent the findings in the state store, with their
// status and comments.
type trackedFindings struct{ st *state.Store }

func (t trackedFindings) Findings(ctx context.Context) ([]agent.Tracked, error) {
	fs, err := t.st.List(ctx, state.Filter{Limit: state.MaxLimit})
	if err != nil {
		return nil, err
	}
	out := make([]agent.Tracked, len(fs))
	for i, f := range fs {
		out[i] = agent.Tracked{Finding: f.Finding, Status: f.Status}
		cs, err := t.st.Comments(ctx, f.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[i].Comments = append(out[i].Comments, agent.Comment{Author: c.Author, Text: c.Text, At: c.Time})
		}
	}
	return out, nil
}

// newQuarantine sets up the quarantine workflow with the enforcers the config
// file names (quarantineConfig.enforcers).
func newQuarantine(ctx context.Context, g *globals, fc *fileConfig, st *duckdb.Store, audit *state.Store, tables *enrich.Tables) (*quarantine.Manager, error) {
	// What the config file sets wins; the rest keeps the defaults.
	cfg, c := quarantine.DefaultConfiguration(), fc.Quarantine.Configuration
	if c.Interval > 0 {
		cfg.Interval = c.Interval
	}
	if c.MaxAttempts > 0 {
		cfg.MaxAttempts = c.MaxAttempts
	}
	if c.Backoff > 0 {
		cfg.Backoff = c.Backoff
	}
	if c.MaxBackoff > 0 {
		cfg.MaxBackoff = c.MaxBackoff
	}
	if c.VerifyGrace > 0 {
		cfg.VerifyGrace = c.VerifyGrace
	}
	if c.VerifyClean > 0 {
		cfg.VerifyClean = c.VerifyClean
	}
	cfg.AlwaysAllow = append(cfg.AlwaysAllow, c.AlwaysAllow...)
	enforcers, err := fc.Quarantine.enforcers()
	if err != nil {
		return nil, err
	}
	workloads := func(name string) (quarantine.Workload, bool) {
		if tables.Inventory == nil {
			return quarantine.Workload{}, false
		}
		w := tables.Inventory.ByName(name)
		if w == nil {
			return quarantine.Workload{}, false
		}
		return quarantine.Workload{Name: w.Name, Kind: w.Kind, Cloud: w.Cloud, Account: w.Account, Region: w.Region,
			IPs: w.IPs, Labels: w.Labels, Instances: w.Instances}, true
	}
	return quarantine.New(ctx, g.logger(), cfg, quarantine.Dependencies{DB: st.DB(), Enforcers: enforcers,
		Workloads: workloads, Audit: audit.Record, Flows: st})
}

// verifyInterval is how often the flows are checked against the quarantines.
const verifyInterval = time.Minute

// verifyQuarantines checks every minute that quarantined workloads stay cut off:
// flows outside the allow list mark a quarantine leaking and raise a finding.
func verifyQuarantines(ctx context.Context, g *globals, qm *quarantine.Manager, st *state.Store, n *notify.Notifier) {
	logger := g.logger().With("component", "quarantine")
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(verifyInterval):
		}
		now := time.Now()
		leaks, err := qm.Verify(ctx, now)
		if err != nil {
			logger.Error("verify", "err", err)
			continue
		}
		if len(leaks) == 0 {
			continue
		}
		if _, _, err := st.Upsert(ctx, leaks, now); err != nil {
			logger.Error("store leak findings", "err", err)
		}
		for _, f := range leaks {
			n.Send(f)
		}
	}
}
