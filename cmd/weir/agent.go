package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/enforce/nftables"
)

func init() { commands = append(commands, newAgentCmd) }

func newAgentCmd(g *globals) *cobra.Command {
	var workload string
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "agent --server URL --workload NAME --token T",
		Short: "Enforce this host's quarantine with nftables, as the weir server says",
		Long: "Runs on a Linux host (as root). Every --interval it asks the server what this workload's\n" +
			"quarantine state is and applies it in an nftables table that weir owns (\"weir\", family inet):\n" +
			"when quarantined, everything in and out is dropped but the allow list, DNS and the server. If the\n" +
			"server cannot be reached the last applied state stays, and it resyncs when it can.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.server == "" || workload == "" {
				return fmt.Errorf("give --server URL and --workload NAME")
			}
			server, err := serverAddr(g.server)
			if err != nil {
				return err
			}
			enf, err := nftables.New()
			if err != nil {
				return fmt.Errorf("nftables: %w", err)
			}
			return runAgent(cmd.Context(), g, enf, workload, server, interval)
		},
	}
	cmd.Flags().StringVar(&workload, "workload", "", "the inventory name of this host")
	cmd.Flags().DurationVar(&interval, "interval", 5*time.Second, "how often to ask the server")
	return cmd
}

// applier is what the agent enforces through (*nftables.Enforcer).
type applier interface{ Apply(nftables.State) error }

// runAgent pulls, applies and reports until ctx ends. It reports every round,
// so a restarted server learns at once what its hosts enforce. It never clears
// on exit: a quarantine must hold while the agent restarts.
func runAgent(ctx context.Context, g *globals, enf applier, workload string, server netip.AddrPort, interval time.Duration) error {
	logger := g.logger().With("component", "agent", "workload", workload)
	var applied *nftables.State
	var appliedID, failure string
	for {
		want, id, err := g.desired(ctx, workload, server)
		switch {
		case err != nil:
			logger.Warn("cannot reach the server: keeping the last applied state", "err", err)
		case applied == nil || !sameState(*applied, want) || appliedID != id:
			if err := enf.Apply(want); err != nil {
				logger.Error("apply", "err", err)
				failure = err.Error()
			} else {
				applied, appliedID, failure = &want, id, ""
				logger.Info("applied", "quarantined", want.Quarantined, "allow", len(want.Allow))
			}
		}
		if err == nil {
			// Without a failure what is applied is what the server wants (id);
			// with one, the failure is about what it wants.
			rep := agentReport{QuarantineID: id, Error: failure}
			if applied != nil {
				rep.Isolate = applied.Quarantined
			}
			if err := g.report(ctx, workload, rep); err != nil {
				logger.Warn("report to the server", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

// agentReport is the body of POST /api/v1/agents/{workload}/report.
type agentReport struct {
	Isolate      bool   `json:"isolate"`
	QuarantineID string `json:"quarantine_id,omitempty"`
	Error        string `json:"error,omitempty"`
	Version      string `json:"version,omitempty"`
}

// report tells the server what this host enforces.
func (g *globals) report(ctx context.Context, workload string, rep agentReport) error {
	rep.Version = version
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return g.call(ctx, http.MethodPost, "/api/v1/agents/"+url.PathEscape(workload)+"/report", nil, rep, nil)
}

// desired asks the server for the workload's state and turns it into rules.
// The quarantine's id comes with them, for the report.
func (g *globals) desired(ctx context.Context, workload string, server netip.AddrPort) (nftables.State, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var d struct {
		Isolate bool     `json:"isolate"`
		ID      string   `json:"quarantine_id"`
		Allow   []string `json:"allow"`
		DNS     bool     `json:"dns"`
	}
	if err := g.call(ctx, http.MethodGet, "/api/v1/quarantine/desired/"+url.PathEscape(workload), nil, nil, &d); err != nil {
		return nftables.State{}, "", err
	}
	st := nftables.State{Quarantined: d.Isolate, AllowDNS: d.DNS, Server: server}
	for _, a := range d.Allow {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			addr, aerr := netip.ParseAddr(a)
			if aerr != nil {
				return nftables.State{}, "", fmt.Errorf("allow %q: not an address or network", a)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		st.Allow = append(st.Allow, p)
	}
	return st, d.ID, nil
}

func sameState(a, b nftables.State) bool {
	return a.Quarantined == b.Quarantined && a.AllowDNS == b.AllowDNS && a.Server == b.Server && slices.Equal(a.Allow, b.Allow)
}

// serverAddr is the address and port the agent reaches the server on, which a
// quarantine must leave open.
func serverAddr(raw string) (netip.AddrPort, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return netip.AddrPort{}, fmt.Errorf("--server %q: want a URL like http://10.0.0.5:8080", raw)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"https": "443"}[u.Scheme]
		if port == "" {
			port = "80"
		}
	}
	addrs, err := net.LookupHost(host)
	if err != nil || len(addrs) == 0 {
		return netip.AddrPort{}, fmt.Errorf("--server %q: cannot resolve %s: %v", raw, host, err)
	}
	return netip.ParseAddrPort(net.JoinHostPort(addrs[0], port))
}
