package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/simulate"
)

func init() { commands = append(commands, newSimulateCmd) }

func newSimulateCmd(g *globals) *cobra.Command {
	var (
		cfg  simulate.Config
		end  string
		seed uint64
	)
	cmd := &cobra.Command{
		Use:   "simulate --out DIR",
		Short: "Write a synthetic hybrid estate: inventory, flow logs in the clouds' formats, intel and truth.json",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if end != "" {
				t, err := time.Parse(time.RFC3339, end)
				if err != nil {
					return fmt.Errorf("--end %q: %w", end, err)
				}
				cfg.End = t
			}
			cfg.Seed = seed
			truth, err := simulate.Run(cfg)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "wrote %s: %d workloads, %s to %s, %d scenarios\n", cfg.Out, truth.Workloads,
				truth.Start.Format(time.RFC3339), truth.End.Format(time.RFC3339), len(truth.Scenarios))
			for _, f := range truth.Files {
				fmt.Fprintf(out, "  %-11s %6d files %10d lines\n", f.Format, f.Files, f.Lines)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Out, "out", "", "output directory (required)")
	f.IntVar(&cfg.Workloads, "workloads", 60, "number of workloads")
	f.IntVar(&cfg.Hours, "hours", 48, "length of the simulated window in hours")
	f.StringVar(&end, "end", "", "end of the window, RFC 3339 (default "+simulate.DefaultEnd.Format(time.RFC3339)+")")
	f.Uint64Var(&seed, "seed", 1, "random seed: the same seed writes the same bytes")
	f.Float64Var(&cfg.Rate, "rate", 1, "multiplier of the background traffic volume")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}
