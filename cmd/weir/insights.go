package main

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirhq/weir/insight"
	"github.com/weirhq/weir/store/duckdb"
)

func init() { commands = append(commands, newInsightsCmd) }

func newInsightsCmd(g *globals) *cobra.Command {
	var by string
	var params []string
	var ids strings.Builder
	for _, in := range insight.Insights() {
		fmt.Fprintf(&ids, "  %-19s %s", in.ID, in.Title)
		for _, p := range in.Params {
			fmt.Fprintf(&ids, "; %s=: %s", p.Name, p.Doc)
		}
		ids.WriteString("\n")
	}
	cmd := &cobra.Command{
		Use:   "insights ID [FILTER]",
		Short: "Show one of the Hub's insights: Now against Prev, with deltas",
		Long: "Shows an insight over Now = [until−window, until) against Prev, the window before it, e.g.\n" +
			"  weir insights workloads-by-role --param service=SMB --window 6h\n" +
			"  weir insights external-transfers --param group=country --by bytes 'src.role = db'\n" +
			"--limit defaults to 10 here. Insights:\n" + ids.String(),
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, filter := args[0], strings.Join(args[1:], " ")
			extra := map[string]string{}
			for _, kv := range params {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return fmt.Errorf("--param %q: want key=value, e.g. service=SMB", kv)
				}
				extra[k] = v
			}
			limit := "10"
			if cmd.Flags().Changed("limit") {
				limit = strconv.Itoa(g.limit)
			}
			p := insight.Params{Window: g.window, Until: g.until, By: by, Limit: limit, Q: filter, Extra: extra, Now: time.Now()}
			if g.server != "" {
				q := url.Values{"window": {p.Window}, "by": {by}, "limit": {limit}, "q": {filter}}
				if g.until != "" {
					q.Set("until", g.until)
				}
				for k, v := range extra {
					q.Set(k, v)
				}
				rows, columns, err := g.remote(ctx, "/api/v1/insights/"+url.PathEscape(id), q, "rows")
				if err != nil {
					return err
				}
				if columns == nil {
					columns = columnsOf(rows)
				}
				return writeTable(cmd.OutOrStdout(), g.output, columns, rows)
			}
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := insight.Run(ctx, st, id, p)
			if err != nil {
				var pe *insight.ParamError
				if errors.As(err, &pe) && pe.Param == "q" {
					return fmt.Errorf("filter: %w", pe.Err)
				}
				return err
			}
			g.logger().Debug("insight", "id", res.ID, "from", res.From, "until", res.Until, "table", res.Table)
			return writeTable(cmd.OutOrStdout(), g.output, res.Columns, res.Rows)
		},
	}
	cmd.Flags().StringVar(&by, "by", "flows", "rank rows by flows or bytes")
	cmd.Flags().StringArrayVar(&params, "param", nil, "the insight's own parameter as key=value, e.g. service=SMB (repeatable)")
	return cmd
}

// columnsOf is the columns of rows from a server, which sends them as JSON
// objects: the other columns in name order, then the measures.
func columnsOf(rows []duckdb.Row) []string {
	measures := slices.Clone(insight.Measures)
	seen := map[string]bool{}
	var keys []string
	for _, r := range rows {
		for k := range r {
			if !seen[k] && !slices.Contains(measures, k) {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return append(keys, measures...)
}
