package insight

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/weirhq/weir/store/duckdb"
)

// maxPorts is how many ports a service row lists.
const maxPorts = 5

// byService runs an insight keyed by service (and protocol, risk ...) with a port
// column. Grouping by the destination port itself would split a service in two:
// formats that log each direction as its own record (AWS, GCP, NetFlow) give the
// server's answer the client's ephemeral port as destination, and a record that
// stands for no new connection (flows 0). So the sums come grouped without the
// port, and a second query names the destination ports that carried connections,
// busiest first.
func byService(keys []string) func(context.Context, Source, *def, *request, *Result) error {
	return func(ctx context.Context, src Source, d *def, rq *request, res *Result) error {
		own := d.filter(rq.params)
		rows, err := rq.aggregate(ctx, src, res, own, keys, "", rq.limit)
		if err != nil {
			return err
		}
		portRows, err := rq.aggregate(ctx, src, res, own, []string{"service", "proto", "service.port"}, "", mergeLimit)
		if err != nil {
			return err
		}
		type portFlows struct {
			port  uint64
			flows uint64
		}
		ports := map[string][]portFlows{}
		for _, r := range portRows {
			if f := u64(r["flows_now"]) + u64(r["flows_prev"]); f > 0 {
				k := keyOf([]any{r["service"], r["proto"]})
				ports[k] = append(ports[k], portFlows{portNumber(r["service.port"]), f})
			}
		}
		names := []string{keys[0], "port"}
		names = append(names, keys[1:]...)
		res.Columns = append(names, Measures...)
		for _, r := range rows {
			ps := ports[keyOf([]any{r["service"], r["proto"]})]
			slices.SortFunc(ps, func(a, b portFlows) int {
				return cmp.Or(cmp.Compare(b.flows, a.flows), cmp.Compare(a.port, b.port))
			})
			var list []string
			for _, p := range ps[:min(len(ps), maxPorts)] {
				list = append(list, fmt.Sprint(p.port))
			}
			out := duckdb.Row{"port": strings.Join(list, ",")}
			for _, k := range keys {
				out[k] = r[k]
			}
			sumsOf(r).put(out)
			res.Rows = append(res.Rows, out)
		}
		return nil
	}
}

func portNumber(v any) uint64 {
	switch n := v.(type) {
	case uint16:
		return uint64(n)
	case uint8:
		return uint64(n)
	}
	return u64(v)
}
