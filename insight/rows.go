package insight

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/weirhq/weir/store/duckdb"
)

// Measures every insight row carries after its keys.
var Measures = []string{"flows_now", "flows_prev", "bytes_now", "bytes_prev", "flows_delta", "bytes_delta", "flows_pct", "bytes_pct"}

// mergeLimit is how many groups a query that Go merges or folds asks for: all of
// them in any real estate, so that the merged sums and ranks are exact.
const mergeLimit = 100_000

// sums are one row's measures.
type sums struct{ flowsNow, flowsPrev, bytesNow, bytesPrev uint64 }

func sumsOf(r duckdb.Row) sums {
	return sums{u64(r["flows_now"]), u64(r["flows_prev"]), u64(r["bytes_now"]), u64(r["bytes_prev"])}
}

func (s *sums) add(o sums) {
	s.flowsNow += o.flowsNow
	s.flowsPrev += o.flowsPrev
	s.bytesNow += o.bytesNow
	s.bytesPrev += o.bytesPrev
}

// put writes the measures, deltas and percent changes into row.
func (s sums) put(row duckdb.Row) {
	row["flows_now"], row["flows_prev"] = s.flowsNow, s.flowsPrev
	row["bytes_now"], row["bytes_prev"] = s.bytesNow, s.bytesPrev
	row["flows_delta"] = int64(s.flowsNow) - int64(s.flowsPrev)
	row["bytes_delta"] = int64(s.bytesNow) - int64(s.bytesPrev)
	if s.flowsPrev > 0 {
		row["flows_pct"] = pct(s.flowsNow, s.flowsPrev)
	}
	if s.bytesPrev > 0 {
		row["bytes_pct"] = pct(s.bytesNow, s.bytesPrev)
	}
}

// pct is the change from prev to now in percent, to two decimals.
func pct(now, prev uint64) float64 {
	return math.Round((float64(now)-float64(prev))/float64(prev)*10000) / 100
}

func u64(v any) uint64 {
	switch n := v.(type) {
	case uint64:
		return n
	case uint32:
		return uint64(n)
	case int64:
		return uint64(n)
	}
	return 0
}

// aggregate sums the flows of Now and Prev matching the insight's own condition
// and the user's filter, and notes in res which table answered.
func (rq *request) aggregate(ctx context.Context, src Source, res *Result, own string, by []string, extra string, limit int) ([]duckdb.Row, error) {
	c, err := filter(own, rq.q)
	if err != nil {
		return nil, err
	}
	rows, table, err := src.Aggregate(ctx, duckdb.AggregateQuery{From: rq.prevFrom, Until: rq.until, Split: rq.from,
		Where: c.Where, Args: c.Args, Columns: c.Columns, By: by, OrderBy: rq.by, Limit: limit, Extra: extra})
	if err != nil {
		return nil, err
	}
	if !duckdb.IsRollup(table) {
		res.Table = "raw"
	}
	return rows, nil
}

// grouped runs a plain insight: one query, its rows as they come.
func grouped(ctx context.Context, src Source, d *def, rq *request, res *Result) error {
	by := d.by(rq.params)
	own := ""
	if d.filter != nil {
		own = d.filter(rq.params)
	}
	rows, err := rq.aggregate(ctx, src, res, own, by, d.extra, rq.limit)
	if err != nil {
		return err
	}
	res.Columns = append(append(slices.Clone(by), Measures...), d.more...)
	for _, r := range rows {
		out := make(duckdb.Row, len(res.Columns))
		for _, k := range by {
			out[k] = r[k]
		}
		sumsOf(r).put(out)
		if d.post != nil {
			d.post(out)
		}
		res.Rows = append(res.Rows, out)
	}
	return nil
}

// bytesPerFlow adds the average bytes of a connection in Now: many small flows
// and a few large bursts look alike in bytes alone.
func bytesPerFlow(row map[string]any) {
	if f := u64(row["flows_now"]); f > 0 {
		row["bytes_per_flow"] = u64(row["bytes_now"]) / f
	}
}

// merged is a row that Go sums from several query rows.
type merged struct {
	keys []any
	sums sums
	row  duckdb.Row // extra columns
}

// rank orders merged rows as the store orders its own: by the chosen measure in
// Now, then in Prev, then by the keys as text; and keeps the first limit.
func rank(rows []*merged, by string, limit int) []*merged {
	measure := func(m *merged) (uint64, uint64) {
		if by == "bytes" {
			return m.sums.bytesNow, m.sums.bytesPrev
		}
		return m.sums.flowsNow, m.sums.flowsPrev
	}
	slices.SortFunc(rows, func(a, b *merged) int {
		an, ap := measure(a)
		bn, bp := measure(b)
		if c := cmp.Compare(bn, an); c != 0 {
			return c
		}
		if c := cmp.Compare(bp, ap); c != 0 {
			return c
		}
		for i := range a.keys {
			if c := strings.Compare(fmt.Sprint(a.keys[i]), fmt.Sprint(b.keys[i])); c != 0 {
				return c
			}
		}
		return 0
	})
	return rows[:min(len(rows), limit)]
}

// emit writes merged rows into res under key columns names.
func emit(res *Result, names []string, more []string, rows []*merged) {
	res.Columns = append(append(slices.Clone(names), Measures...), more...)
	for _, m := range rows {
		out := make(duckdb.Row, len(res.Columns))
		for i, n := range names {
			out[n] = m.keys[i]
		}
		m.sums.put(out)
		for k, v := range m.row {
			out[k] = v
		}
		res.Rows = append(res.Rows, out)
	}
}

// mergeInto adds rows into groups keyed by the values of fields, renamed.
func mergeInto(groups map[string]*merged, rows []duckdb.Row, fields []string) []*merged {
	var added []*merged
	for _, r := range rows {
		keys := make([]any, len(fields))
		for i, f := range fields {
			keys[i] = r[f]
		}
		k := keyOf(keys)
		m := groups[k]
		if m == nil {
			m = &merged{keys: keys, row: duckdb.Row{}}
			groups[k] = m
			added = append(added, m)
		}
		m.sums.add(sumsOf(r))
	}
	return added
}

// keyOf is a map key for a tuple of values.
func keyOf(vals []any) string {
	var b strings.Builder
	for _, v := range vals {
		fmt.Fprint(&b, v)
		b.WriteByte(0)
	}
	return b.String()
}
