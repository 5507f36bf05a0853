package duckdb

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/weirhq/weir/flow"
)

// FlowQuery selects raw flows: those that started in [From, Until) and match
// Where, a condition compiled by package query with its Args, newest first.
type FlowQuery struct {
	From, Until time.Time
	Where       string
	Args        []any
	Limit       int
	Offset      int // rows to skip: the next page starts at Offset+Limit
}

// Row is one stored flow with its codes resolved, as field name → value, the names
// being those of the filter language (src.ip, dst.port, service.risk, ...).
type Row map[string]any

// FieldNames lists the names of a Row in display order.
var FieldNames = func() []string {
	var names []string
	for _, c := range flowColumns {
		if c.kind != kEP {
			names = append(names, fieldName(c.name))
		}
	}
	for _, side := range []string{"src_", "dst_"} {
		for _, c := range endpointReadColumns {
			names = append(names, fieldName(side+c.name))
		}
	}
	return names
}()

// readColumns are the columns Flows selects, in FieldNames' order: the flow's own,
// then each side's endpoint attributes through the endpoints table (aliases se, de).
var readColumns = func() []column {
	var cols []column
	for _, c := range flowColumns {
		if c.kind != kEP {
			cols = append(cols, c)
		}
	}
	for _, side := range []string{"src_", "dst_"} {
		for _, c := range endpointReadColumns {
			cols = append(cols, column{side + c.name, c.kind})
		}
	}
	return cols
}()

// fieldName turns a column name into the filter language's dotted name.
func fieldName(col string) string {
	switch col {
	case "ts_start":
		return "start"
	case "ts_end":
		return "end"
	case "service_risk":
		return "service.risk"
	case "service_port":
		return "service.port"
	case "service_category":
		return "service.category"
	case "category":
		return "dst.category"
	case "llm_provider":
		return "llm.provider"
	case "llm_sanctioned":
		return "llm.sanctioned"
	}
	for _, side := range []string{"src_", "dst_"} {
		if rest, ok := strings.CutPrefix(col, side); ok {
			rest = strings.Replace(rest, "threat_feeds", "threat", 1)
			rest = strings.Replace(rest, "threat_", "threat.", 1)
			return side[:3] + "." + rest
		}
	}
	return col
}

var flowSelect = func() string {
	var b strings.Builder
	for i, c := range readColumns {
		if i > 0 {
			b.WriteString(", ")
		}
		// The value: a flow column (f.x) or an endpoint attribute (se.x, de.x).
		val := "f." + c.name
		if side, attr, ok := strings.Cut(c.name, "_"); ok && (side == "src" || side == "dst") && isEndpointColumn(attr) {
			val = side[:1] + "e." + attr
		}
		switch c.kind {
		case kCode:
			fmt.Fprintf(&b, "(SELECT s FROM dict WHERE domain = '%s' AND id = %s)", domainOf(c.name), val)
		case kIP:
			fmt.Fprintf(&b, "(SELECT ip FROM ips WHERE id = %s)", val)
		default:
			b.WriteString(val)
		}
	}
	return b.String()
}()

// endpointReadColumns are the endpoint columns a read shows: the attributes and
// whether the role was inferred rather than given (not part of an endpoint's key).
var endpointReadColumns = append(slices.Clip(endpointColumns), column{"role_inferred", kBool})

func isEndpointColumn(name string) bool {
	for _, c := range endpointReadColumns {
		if c.name == name {
			return true
		}
	}
	return false
}

// Flows returns the flows q selects.
func (s *Store) Flows(ctx context.Context, q FlowQuery) ([]Row, error) {
	where := q.Where
	if where == "" {
		where = "TRUE"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	// Newest first; the rest of the order only makes pages stable.
	const order = "ts_start DESC, src_ip, dst_ip, src_port, dst_port, proto, ts_end, bytes, packets"
	sql := "WITH f AS (SELECT * FROM flows WHERE ts_start >= ? AND ts_start < ? AND (" + where + ") " +
		"ORDER BY " + order + " LIMIT ? OFFSET ?) SELECT " + flowSelect + " FROM f " +
		"JOIN endpoints se ON se.id = f.src_ep JOIN endpoints de ON de.id = f.dst_ep ORDER BY " +
		strings.ReplaceAll("f."+order, ", ", ", f.")
	args := append([]any{epoch(q.From), epoch(q.Until)}, q.Args...)
	args = append(args, limit, max(q.Offset, 0))
	rows, err := s.db.QueryContext(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("query flows: %w", err)
	}
	defer rows.Close()
	var out []Row
	vals := make([]any, len(readColumns))
	ptrs := make([]any, len(readColumns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("query flows: %w", err)
		}
		row := make(Row, len(readColumns))
		for i, c := range readColumns {
			row[FieldNames[i]] = present(c.name, vals[i])
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// present turns a stored value into what users read: times, names for enums.
func present(col string, v any) any {
	switch col {
	case "ts_start", "ts_end":
		if n, ok := v.(uint32); ok {
			return time.Unix(int64(n), 0).UTC()
		}
	case "proto":
		if n, ok := v.(uint8); ok {
			return flow.ProtoName(n)
		}
	case "action":
		if n, ok := v.(uint8); ok {
			return flow.Action(n).String()
		}
	case "direction":
		if n, ok := v.(uint8); ok {
			return flow.Direction(n).String()
		}
	case "reporter":
		if n, ok := v.(uint8); ok {
			return flow.Reporter(n).String()
		}
	case "service_risk":
		if n, ok := v.(uint8); ok {
			return flow.Risk(n).String()
		}
	}
	if v == nil {
		return ""
	}
	return v
}

// Stats are counts over the whole store.
type Stats struct {
	Flows, RollupRows, Inputs int64
	First, Last               time.Time
	FileBytes                 int64
}

// Stats counts what the store holds.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	var first, last uint32
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(ts_start), 0), coalesce(max(ts_start), 0) FROM flows`).
		Scan(&st.Flows, &first, &last)
	if err != nil {
		return st, fmt.Errorf("count flows: %w", err)
	}
	st.First, st.Last = time.Unix(int64(first), 0).UTC(), time.Unix(int64(last), 0).UTC()
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM flows_1h`).Scan(&st.RollupRows); err != nil {
		return st, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM inputs`).Scan(&st.Inputs); err != nil {
		return st, err
	}
	return st, nil
}

// Cell is a row's field as text, for tables and CSV.
func (r Row) Cell(field string) string {
	switch x := r[field].(type) {
	case nil:
		return ""
	case time.Time:
		return x.Format(time.RFC3339)
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// WriteCSV writes rows as CSV with a header of FieldNames.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write(FieldNames)
	rec := make([]string, len(FieldNames))
	for _, r := range rows {
		for i, f := range FieldNames {
			rec[i] = r.Cell(f)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
