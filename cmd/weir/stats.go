package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newStatsCmd) }

func newStatsCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "stats",
		Short: "Say what the store holds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			s, err := st.Stats(cmd.Context())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "flows: %d\nrollup rows (hourly): %d\ninputs: %d\n", s.Flows, s.RollupRows, s.Inputs)
			if s.Flows > 0 {
				fmt.Fprintf(w, "first: %s\nlast: %s\n", s.First.Format("2006-01-02T15:04:05Z"), s.Last.Format("2006-01-02T15:04:05Z"))
			}
			return nil
		},
	}
}
