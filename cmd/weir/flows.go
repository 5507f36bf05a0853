package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/store/duckdb"
)

func init() { commands = append(commands, newFlowsCmd) }

func newFlowsCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "flows [FILTER]",
		Short: "List the flows that match a filter, newest first",
		Long: "Lists stored flows in the time window (--window, --until) that match FILTER, e.g.\n" +
			"  weir flows 'service in (SMB, RDP) and src.zone = \"Internal Azure\" and not dst.role = db'\n" +
			"Fields are the dotted names of the flow record (src.ip, dst.port, service, dst.country, threat...).",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			filter := strings.Join(args, " ")
			c, err := query.Compile(filter, query.DuckDB)
			if err != nil {
				return err
			}
			from, until, err := g.timeRange(time.Now())
			if err != nil {
				return err
			}
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := st.Flows(ctx, duckdb.FlowQuery{From: from, Until: until, Where: c.Where, Args: c.Args, Limit: g.limit})
			if err != nil {
				return err
			}
			return writeRows(cmd.OutOrStdout(), g.output, rows)
		},
	}
}
