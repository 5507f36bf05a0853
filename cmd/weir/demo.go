package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/pipeline"
	"github.com/weirhq/weir/quarantine"
	"github.com/weirhq/weir/simulate"
)

func init() { commands = append(commands, newDemoCmd) }

func newDemoCmd(g *globals) *cobra.Command {
	var (
		listen    string
		dir       string
		hours     int
		workloads int
		seed      uint64
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Simulate an estate, ingest it and serve it: the one command to try weir",
		Long: "Writes 48 hours of a simulated hybrid estate (Azure, AWS, GCP, on-prem) ending now, with\n" +
			"attacks in it (see truth.json), ingests it into a fresh database and serves the API.\n" +
			"Everything lives under --dir, which the demo empties first.",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			if err := resetDemoDir(dir); err != nil {
				return err
			}
			logs := filepath.Join(dir, "logs")
			end := time.Now().UTC().Truncate(time.Hour) // the last full hour: no flow from the future
			fmt.Fprintf(out, "simulating %d hours of %d workloads into %s ...\n", hours, workloads, logs)
			truth, err := simulate.Run(simulate.Config{Out: logs, Workloads: workloads, Hours: hours, End: end, Seed: seed})
			if err != nil {
				return err
			}
			g.data = filepath.Join(dir, "data")
			g.inventory = filepath.Join(logs, "inventory.yaml")
			feeds, _ := filepath.Glob(filepath.Join(logs, "intel", "*"))
			g.intel = feeds
			g.sanctioned = append(g.sanctioned, truth.SanctionedLLM.Provider)
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			tables, err := g.loadEnrichment(ctx, st)
			if err != nil {
				return err
			}
			p, err := g.newPipeline(st, tables, pipeline.Configuration{})
			if err != nil {
				return err
			}
			fmt.Fprintln(out, "ingesting ...")
			var inputs []string // the logs; intel/ holds the feeds
			for _, d := range []string{"aws", "azure", "gcp", "zeek", "route53"} {
				inputs = append(inputs, filepath.Join(logs, d))
			}
			sum, err := p.Ingest(ctx, inputs)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "ingested %d flows (%d duplicate reports counted once, %d rejected) from %d files in %s; %d scenarios injected (%s)\n",
				sum.Accepted, sum.Duplicates, sum.Rejected, len(sum.Files), sum.Elapsed.Round(time.Millisecond),
				len(truth.Scenarios), filepath.Join(logs, "truth.json"))
			if g.file == nil {
				g.file = &fileConfig{}
			}
			if q := &g.file.Quarantine; !q.configured() {
				url, err := startDemoSOAR(ctx, out)
				if err != nil {
					return err
				}
				q.Webhook = &quarantine.WebhookConfiguration{URL: url}
				fmt.Fprintf(out, "quarantines go to a stand-in SOAR at %s (a webhook; nothing is isolated in the demo)\n", url)
			}
			token := newToken()
			fmt.Fprintf(out, "\nAPI token (shown once): %s\n", token)
			fmt.Fprintf(out, "console: http://%s/#token=%s\n", listen, token)
			fmt.Fprintf(out, "try:  curl -H 'Authorization: Bearer %s' 'http://%s/api/v1/flows?q=service%%3DSMB&limit=5'\n", token, listen)
			fmt.Fprintf(out, "      weir flows --server http://%s --token %s --by service,dst.role\n", listen, token)
			fmt.Fprintf(out, "      weir flows --server http://%s --token %s 'llm.provider != \"\" and llm.sanctioned = false'\n\n", listen, token)
			return serveAPI(ctx, g, cmd, st, tables, listen, token, end)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8080", "address to serve on")
	cmd.Flags().StringVar(&dir, "dir", "./weir-demo", "directory for the simulated logs and the database (emptied first)")
	cmd.Flags().IntVar(&hours, "hours", 48, "hours of traffic to simulate")
	cmd.Flags().IntVar(&workloads, "workloads", 60, "workloads in the simulated estate")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "simulation seed")
	return cmd
}

// demoMarker marks a directory the demo made, so that it only ever empties its own.
const demoMarker = ".weir-demo"

func resetDemoDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
			return fmt.Errorf("--dir %s is not empty and was not made by weir demo: choose another", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, demoMarker), nil, 0o644)
}
