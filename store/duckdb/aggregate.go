package duckdb

import (
	"context"
	"fmt"
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
	By          []string // field names: service, dst.port, src.role, ...
	OrderBy     string
	Limit       int
}

// Measures every aggregate row carries besides its keys.
var Measures = []string{"flows", "bytes", "bytes_rev", "packets", "records"}

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

// rollupHas reports whether flows_1h can stand for flows with these columns.
func rollupHas(cols []string) bool {
	for _, c := range cols {
		if !slices.Contains(rollupDims, c) {
			return false
		}
	}
	return true
}

// Aggregate answers q from the hourly rollup when it can (every column the filter
// and the grouping read is in the rollup, the window falls on whole hours and
// they are all rolled up), from the raw flows otherwise; table says which.
func (s *Store) Aggregate(ctx context.Context, q AggregateQuery) (rows []Row, table string, err error) {
	keys := make([]groupKey, len(q.By))
	cols := slices.Clone(q.Columns)
	joins := map[string]bool{}
	for i, f := range q.By {
		if keys[i], err = resolveField(f); err != nil {
			return nil, "", err
		}
		cols = append(cols, keys[i].column)
		if keys[i].endpointSide != "" {
			joins[keys[i].endpointSide] = true
		}
	}
	aligned := q.From.Unix()%3600 == 0 && q.Until.Unix()%3600 == 0
	table, ts, count := "flows", "ts_start", "count(*)"
	if aligned && rollupHas(cols) {
		// Hours committed but not yet rolled up are only in the raw flows.
		var dirty int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM dirty_hours WHERE ts >= ? AND ts < ?`,
			epoch(q.From), epoch(q.Until)).Scan(&dirty); err != nil {
			return nil, "", fmt.Errorf("aggregate flows: %w", err)
		}
		if dirty == 0 {
			table, ts, count = "flows_1h", "ts", "sum(records)"
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

	var inner, outer, group strings.Builder
	for i, k := range keys {
		fmt.Fprintf(&inner, "%s AS k%d, ", k.expr, i)
		if i > 0 {
			group.WriteString(", ")
		}
		fmt.Fprintf(&group, "k%d", i)
		switch k.kind {
		case kCode:
			fmt.Fprintf(&outer, "(SELECT s FROM dict WHERE domain = '%s' AND id = g.k%d), ", k.domain, i)
		case kIP:
			fmt.Fprintf(&outer, "(SELECT ip FROM ips WHERE id = g.k%d), ", i)
		default:
			fmt.Fprintf(&outer, "g.k%d, ", i)
		}
	}
	from := table + " f"
	for _, alias := range []string{"se", "de"} {
		if joins[alias] {
			from += fmt.Sprintf(" JOIN endpoints %s ON %s.id = f.%s_ep", alias, alias, map[string]string{"se": "src", "de": "dst"}[alias])
		}
	}
	groupBy := ""
	if len(keys) > 0 {
		groupBy = " GROUP BY " + group.String()
	}
	sql := "SELECT " + outer.String() + "flows, bytes, bytes_rev, packets, records FROM (SELECT " + inner.String() +
		"sum(flows)::UBIGINT AS flows, sum(bytes)::UBIGINT AS bytes, sum(bytes_rev)::UBIGINT AS bytes_rev, " +
		"sum(packets)::UBIGINT AS packets, " + count + "::UBIGINT AS records FROM " + from +
		" WHERE f." + ts + " >= ? AND f." + ts + " < ? AND (" + where + ")" + groupBy +
		" ORDER BY " + order + " DESC LIMIT ?) g ORDER BY " + order + " DESC"
	args := append([]any{epoch(q.From), epoch(q.Until)}, q.Args...)
	args = append(args, limit)
	res, err := s.db.QueryContext(ctx, sql, args...)
	if err != nil {
		return nil, table, fmt.Errorf("aggregate flows: %w", err)
	}
	defer res.Close()
	n := len(keys) + len(Measures)
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
			row[k.field] = present(k.column, vals[i])
		}
		for i, m := range Measures {
			row[m] = vals[len(keys)+i]
		}
		rows = append(rows, row)
	}
	return rows, table, res.Err()
}
