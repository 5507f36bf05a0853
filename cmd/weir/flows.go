package main

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/store/duckdb"
)

func init() { commands = append(commands, newFlowsCmd) }

func newFlowsCmd(g *globals) *cobra.Command {
	var by, order string
	cmd := &cobra.Command{
		Use:   "flows [FILTER]",
		Short: "List the flows that match a filter, newest first",
		Long: "Lists stored flows in the time window (--window, --until) that match FILTER, e.g.\n" +
			"  weir flows 'service in (SMB, RDP) and src.zone = \"Internal Azure\" and not dst.role = db'\n" +
			"Fields are the dotted names of the flow record (src.ip, dst.port, service, dst.country, threat...).\n" +
			"With --by, sums the matching flows per group instead, e.g. --by service,dst.role, answered from\n" +
			"the hourly rollup when the window falls on whole hours and every field is in it.",
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
			if g.server != "" {
				params := url.Values{"q": {filter}, "window": {g.window}, "until": {until.Format(time.RFC3339)},
					"limit": {strconv.Itoa(g.limit)}}
				if by != "" {
					params.Set("by", by)
					params.Set("order", order)
					rows, err := g.remoteRows(ctx, "/api/v1/flows", params, "rows")
					if err != nil {
						return err
					}
					return writeTable(cmd.OutOrStdout(), g.output, append(strings.Split(by, ","), duckdb.Measures...), rows)
				}
				rows, err := g.remoteRows(ctx, "/api/v1/flows", params, "flows")
				if err != nil {
					return err
				}
				return writeRows(cmd.OutOrStdout(), g.output, rows)
			}
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			if by != "" {
				fields := strings.Split(by, ",")
				rows, table, err := st.Aggregate(ctx, duckdb.AggregateQuery{From: from, Until: until, Where: c.Where, Args: c.Args,
					Columns: c.Columns, By: fields, OrderBy: order, Limit: g.limit})
				if err != nil {
					return err
				}
				g.logger().Debug("aggregated", "table", table)
				return writeTable(cmd.OutOrStdout(), g.output, append(fields, duckdb.Measures...), rows)
			}
			rows, err := st.Flows(ctx, duckdb.FlowQuery{From: from, Until: until, Where: c.Where, Args: c.Args, Limit: g.limit})
			if err != nil {
				return err
			}
			return writeRows(cmd.OutOrStdout(), g.output, rows)
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "group by these fields (comma-separated) and sum flows, bytes, packets")
	cmd.Flags().StringVar(&order, "order", "flows", "with --by: rank groups by flows or bytes")
	return cmd
}
