package main

import (
	"log/slog"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// globals are the flags every subcommand shares (DESIGN §9).
type globals struct {
	data      string
	config    string
	inventory string
	intel     []string
	flowsURL  string
	stateURL  string
	window    string
	until     string
	limit     int
	output    string
	verbose   bool
	cpuprof   string

	server     string // --server: a running weir to ask instead of the database
	token      string
	sanctioned []string    // --sanctioned-llm
	file       *fileConfig // what --config holds
}

// commands lists the subcommand constructors; each subcommand's file adds itself in
// an init function, so that adding a command touches one file.
var commands []func(g *globals) *cobra.Command

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "weir",
		Short:         "Network flow logs in, evidence out: hunt, investigate and quarantine",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	f := root.PersistentFlags()
	f.StringVar(&g.data, "data", "./weir-data", "directory of the embedded database")
	f.StringVar(&g.config, "config", "", "YAML configuration file")
	f.StringVar(&g.inventory, "inventory", "", "inventory of workloads and networks (YAML, JSON or CSV)")
	f.StringArrayVar(&g.intel, "intel", nil, "threat-intelligence feed file (repeatable)")
	f.StringVar(&g.flowsURL, "flows", "", "flow store URL for scale-out (clickhouse://...)")
	f.StringVar(&g.stateURL, "state", "", "state store URL for scale-out (postgres://...)")
	f.StringVar(&g.window, "window", "24h", "time window")
	f.StringVar(&g.until, "until", "", "end of the window, RFC 3339 (default now)")
	f.IntVar(&g.limit, "limit", 100, "most rows to print")
	f.StringVarP(&g.output, "output", "o", "table", "output format: table, json or csv")
	f.BoolVarP(&g.verbose, "verbose", "v", false, "log debug messages")
	f.StringVar(&g.cpuprof, "cpuprofile", "", "write a CPU profile to this file (for developers)")
	f.MarkHidden("cpuprofile")
	var prof *os.File
	f.StringVar(&g.server, "server", "", "ask a running weir (e.g. http://127.0.0.1:8080) instead of opening --data")
	f.StringVar(&g.token, "token", "", "API token for --server (default $WEIR_TOKEN)")
	f.StringArrayVar(&g.sanctioned, "sanctioned-llm", nil, "an AI provider the organisation approved, e.g. \"Azure OpenAI\" (repeatable)")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if g.config != "" {
			fc, err := readConfig(g.config)
			if err != nil {
				return err
			}
			g.file = fc
			if fc.Data != "" && !cmd.Flags().Changed("data") {
				g.data = fc.Data
			}
		}
		if g.cpuprof == "" {
			return nil
		}
		var err error
		if prof, err = os.Create(g.cpuprof); err != nil {
			return err
		}
		return pprof.StartCPUProfile(prof)
	}
	root.PersistentPostRun = func(cmd *cobra.Command, args []string) {
		if prof != nil {
			pprof.StopCPUProfile()
			prof.Close()
		}
	}
	for _, c := range commands {
		root.AddCommand(c(g))
	}
	return root
}

func (g *globals) logger() *slog.Logger {
	level := slog.LevelInfo
	if g.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
