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
			w := cmd.OutOrStdout()
			if g.server != "" {
				rows, err := g.remoteRows(cmd.Context(), "/api/v1/stats", nil, "")
				if err != nil {
					return err
				}
				s := rows[0]
				fmt.Fprintf(w, "flows: %v\nrollup rows (hourly): %v\ninputs: %v\nfirst: %v\nlast: %v\n",
					s["flows"], s["rollup_rows"], s["inputs"], s["first"], s["last"])
				return nil
			}
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			s, err := st.Stats(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "flows: %d\nrollup rows (hourly): %d\ninputs: %d\n", s.Flows, s.RollupRows, s.Inputs)
			if s.Flows > 0 {
				fmt.Fprintf(w, "first: %s\nlast: %s\n", s.First.Format("2006-01-02T15:04:05Z"), s.Last.Format("2006-01-02T15:04:05Z"))
			}
			return nil
		},
	}
}
