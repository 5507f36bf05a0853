package duckdb

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// AggregateQuery groups the flows that started in [From, Until) and match Where
// (compiled by package query, with the Columns it reads) by the fields By, and
// sums them. Rows come ordered by OrderBy ("flows" or "bytes", descending).
type AggregateQuery struct {
	From, Until time.Time
	Where       string
	Args        []any
	Columns     []string
	By          []string // field names: service, dst.port, src.role, ...; "time" groups by Bucket
	OrderBy     string
	Limit       int
	// Split, when set, cuts [From, Until) in two: each measure comes as <m>_now
	// (from Split on) and <m>_prev (before it), ranked by the Now value.
	Split time.Time
	// Bucket is the width of the "time" key (default one hour).
	Bucket time.Duration
	// Extra is a condition written by weir's own code, never from user input,
	// for what the filter language cannot say: it may compare the two ends'
	// attributes through the endpoints of each side, se and de (e.g.
	// "se.region <> de.region"). It must only read rollup columns.
	Extra string
}

// Measures every aggregate row carries besides its keys.
var Measures = []string{"flows", "bytes", "bytes_rev", "packets", "records"}

// CompareMeasures are the measures of a query with Split.
var CompareMeasures = func() []string {
	var ms []string
	for _, m := range Measures {
		ms = append(ms, m+"_now", m+"_prev")
	}
	return ms
}()

// groupKey is how a field is grouped: an expression on the filtered table f or an
// endpoint (se, de), and the column kind for presenting the value.
type groupKey struct {
	field, expr  string
	column       string // the filtered table's column it reads
	domain       string // dictionary domain of a text field
	kind         int
	endpointSide string // "se" or "de" when the field is an endpoint attribute
}

func resolveField(field string) (groupKey, error) {
	if field == "time" {
		return groupKey{field: "time"}, nil
	}
	for _, c := range flowColumns {
		if c.kind != kEP && fieldName(c.name) == field {
			return groupKey{field: field, expr: "f." + c.name, column: c.name, domain: domainOf(c.name), kind: c.kind}, nil
		}
	}
	for _, side := range []string{"src", "dst"} {
		for _, c := range endpointColumns {
			if fieldName(side+"_"+c.name) == field {
				alias := side[:1] + "e"
				return groupKey{field: field, expr: alias + "." + c.name, column: side + "_ep", domain: c.name,
					kind: c.kind, endpointSide: alias}, nil
			}
		}
	}
	for _, c := range endpointColumns {
		if fieldName("src_"+c.name) == "src."+field {
			return groupKey{}, fmt.Errorf("cannot group by %q: it means either side; group by src.%s or dst.%s", field, field, field)
		}
	}
	return groupKey{}, fmt.Errorf("cannot group by %q: not a field of the flow record", field)
}

// coarsest is the first rollup with every column in cols, or "".
func coarsest(cols []string) string {
	for _, r := range rollups {
		if !slices.ContainsFunc(cols, func(c string) bool { return !slices.Contains(r.dims, c) }) {
			return r.table
		}
	}
	return ""
}

// Aggregate answers q from the coarsest rollup that can (every column the filter
// and the grouping read is in it, the window falls on whole hours and they are
// all rolled up), from the raw flows otherwise; table says which.
func (s *Store) Aggregate(ctx context.Context, q AggregateQuery) (rows []Row, table string, err error) {
	keys := make([]groupKey, len(q.By))
	cols := slices.Clone(q.Columns)
	joins := map[string]bool{}
	for i, f := range q.By {
		if keys[i], err = resolveField(f); err != nil {
			return nil, "", err
		}
		if keys[i].column != "" {
			cols = append(cols, keys[i].column)
		}
		if keys[i].endpointSide != "" {
			joins[keys[i].endpointSide] = true
		}
	}
	bucket := int64(3600)
	if q.Bucket > 0 {
		bucket = int64(q.Bucket / time.Second)
	}
	aligned := q.From.Unix()%3600 == 0 && q.Until.Unix()%3600 == 0 && (q.Split.IsZero() || q.Split.Unix()%3600 == 0)
	if slices.Contains(q.By, "time") && bucket%3600 != 0 {
		aligned = false
	}
	table, ts, count := "flows", "ts_start", "1"
	if rollup := coarsest(cols); aligned && rollup != "" {
		// Hours committed but not yet rolled up are only in the raw flows.
		var dirty int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM dirty_hours WHERE ts >= ? AND ts < ?`,
			epoch(q.From), epoch(q.Until)).Scan(&dirty); err != nil {
			return nil, "", fmt.Errorf("aggregate flows: %w", err)
		}
		if dirty == 0 {
			table, ts, count = rollup, "ts", "records"
		}
	}
	order := "flows"
	if q.OrderBy == "bytes" {
		order = "bytes"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	where := q.Where
	if where == "" {
		where = "TRUE"
	}

	// Two stages: the scan groups by the endpoint codes (src_ep, dst_ep) and the
	// flow's own keys, all narrow integers; only then are the endpoints' attributes
	// looked up and the few rows left grouped by them. Grouping the scan by the
	// attributes themselves would join and hash every row on wide keys.
	epKeys := map[string]string{"se": "src_ep", "de": "dst_ep"}
	var scan, scanGroup, regroup, regroupBy, outer, tie strings.Builder
	sep := func(b *strings.Builder) {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
	}
	for _, alias := range []string{"se", "de"} {
		if joins[alias] {
			sep(&scan)
			fmt.Fprintf(&scan, "f.%s AS ep_%s", epKeys[alias], alias)
			sep(&scanGroup)
			fmt.Fprintf(&scanGroup, "ep_%s", alias)
		}
	}
	for i, k := range keys {
		sep(&regroup)
		sep(&regroupBy)
		fmt.Fprintf(&regroupBy, "k%d", i)
		fmt.Fprintf(&tie, ", d%d NULLS FIRST", i)
		switch {
		case k.field == "time":
			sep(&scan)
			fmt.Fprintf(&scan, "(f.%s // %d * %d)::UBIGINT AS k%d", ts, bucket, bucket, i)
			sep(&scanGroup)
			fmt.Fprintf(&scanGroup, "k%d", i)
			fmt.Fprintf(&regroup, "p.k%d AS k%d", i, i)
		case k.endpointSide != "":
			fmt.Fprintf(&regroup, "%s AS k%d", k.expr, i) // se.role, de.zone ...
		default:
			sep(&scan)
			fmt.Fprintf(&scan, "%s AS k%d", k.expr, i)
			sep(&scanGroup)
			fmt.Fprintf(&scanGroup, "k%d", i)
			fmt.Fprintf(&regroup, "p.k%d AS k%d", i, i)
		}
		// Codes come back as codes: the store's dictionaries name them in Go,
		// cheaper than a join on dict per key.
		fmt.Fprintf(&outer, "g.k%d AS d%d, ", i, i)
	}
	measures := Measures
	sums := []string{"flows", "bytes", "bytes_rev", "packets", count}
	var args []any
	if !q.Split.IsZero() {
		measures = CompareMeasures
	}
	for i, m := range Measures {
		sep(&scan)
		if q.Split.IsZero() {
			fmt.Fprintf(&scan, "sum(%s)::UBIGINT AS %s", sums[i], m)
		} else {
			fmt.Fprintf(&scan, "coalesce(sum(%[1]s) FILTER (WHERE f.%[3]s >= ?), 0)::UBIGINT AS %[2]s_now, "+
				"coalesce(sum(%[1]s) FILTER (WHERE f.%[3]s < ?), 0)::UBIGINT AS %[2]s_prev", sums[i], m, ts)
			args = append(args, epoch(q.Split), epoch(q.Split))
		}
	}
	for _, m := range measures {
		sep(&regroup)
		fmt.Fprintf(&regroup, "sum(p.%s)::UBIGINT AS %s", m, m)
	}
	from := table + " f"
	if q.Extra != "" {
		// The extra condition reads the endpoints: join them in the scan.
		where = "(" + where + ") AND (" + q.Extra + ")"
		from += " JOIN endpoints se ON se.id = f.src_ep JOIN endpoints de ON de.id = f.dst_ep"
	}
	groupBy := ""
	if scanGroup.Len() > 0 {
		groupBy = " GROUP BY " + scanGroup.String()
	}
	scanSQL := "SELECT " + scan.String() + " FROM " + from + " WHERE f." + ts + " >= ? AND f." + ts + " < ? AND (" + where + ")" + groupBy
	grouped := scanSQL
	if joins["se"] || joins["de"] {
		regroupFrom := "(" + scanSQL + ") p"
		for _, alias := range []string{"se", "de"} {
			if joins[alias] {
				regroupFrom += fmt.Sprintf(" JOIN endpoints %s ON %s.id = p.ep_%s", alias, alias, alias)
			}
		}
		grouped = "SELECT " + regroup.String() + " FROM " + regroupFrom
		if regroupBy.Len() > 0 {
			grouped += " GROUP BY " + regroupBy.String()
		}
	}
	rank := order + " DESC"
	if !q.Split.IsZero() {
		rank = order + "_now DESC, " + order + "_prev DESC"
	}
	// Ties are broken by the keys' codes, so the same question always gets the
	// same rows, from the rollup or the raw flows.
	sql := "SELECT * FROM (SELECT " + outer.String() + strings.Join(measures, ", ") + " FROM (" + grouped + ") g) " +
		"ORDER BY " + rank + tie.String() + " LIMIT ?"
	args = append(args, epoch(q.From), epoch(q.Until))
	args = append(args, q.Args...)
	args = append(args, limit)
	res, err := s.db.QueryContext(ctx, sql, args...)
	if err != nil {
		return nil, table, fmt.Errorf("aggregate flows: %w", err)
	}
	defer res.Close()
	n := len(keys) + len(measures)
	vals, ptrs := make([]any, n), make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for res.Next() {
		if err := res.Scan(ptrs...); err != nil {
			return nil, table, fmt.Errorf("aggregate flows: %w", err)
		}
		row := make(Row, n)
		for i, k := range keys {
			switch {
			case k.field == "time":
				row["time"] = time.Unix(int64(vals[i].(uint64)), 0).UTC()
			case k.kind == kCode:
				row[k.field] = s.dicts[k.domain].name(vals[i].(uint32))
			case k.kind == kIP:
				row[k.field] = ipString(s.ips.addr(vals[i].(uint32)))
			default:
				row[k.field] = present(k.column, vals[i])
			}
		}
		for i, m := range measures {
			row[m] = vals[len(keys)+i]
		}
		rows = append(rows, row)
	}
	return rows, table, res.Err()
}

// ipString shows a stored address as the ips table spells it.
func ipString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}
