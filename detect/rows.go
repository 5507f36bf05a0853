package detect

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/store/duckdb"
)

// The helpers below are what the detectors share to read aggregates, write
// filters and add up scores: one copy here rather than one per detector.

// Num reads a measure or a numeric key of a row. Measures are summed as
// UBIGINT and keys keep their column's type, so every integer type is read;
// a negative number reads as 0 (counts cannot be), and so does a missing key or
// one that holds no number. A decimal string is read too, for keys a store
// returns as text.
func Num(r duckdb.Row, k string) uint64 {
	switch v := r[k].(type) {
	case uint64:
		return v
	case uint32:
		return uint64(v)
	case uint16:
		return uint64(v)
	case uint8:
		return uint64(v)
	case int64:
		return uint64(max(v, 0))
	case int32:
		return uint64(max(v, 0))
	case int:
		return uint64(max(v, 0))
	case string:
		n, _ := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		return n
	}
	return 0
}

// Str reads a text key of a row: "" when it is missing, and any other type
// as fmt prints it (booleans as true and false).
func Str(r duckdb.Row, k string) string {
	switch v := r[k].(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// Compile compiles a detector's filter for the store; the error names the
// detector and the filter, since a detector's filters are built from its
// configuration.
func Compile(detector, filter string) (*query.Compiled, error) {
	c, err := query.Compile(filter, query.DuckDB)
	if err != nil {
		return nil, fmt.Errorf("%s: compile filter %q: %w", detector, filter, err)
	}
	return c, nil
}

// Query compiles filter into q and asks src for the aggregate q describes;
// errors name the detector.
func Query(ctx context.Context, src Source, detector, filter string, q duckdb.AggregateQuery) ([]duckdb.Row, error) {
	c, err := Compile(detector, filter)
	if err != nil {
		return nil, err
	}
	q.Where, q.Args, q.Columns = c.Where, c.Args, c.Columns
	rows, _, err := src.Aggregate(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", detector, err)
	}
	return rows, nil
}

// Seen is when the flows filter selects were seen in w, to the hour (the
// rollup's grain), clipped to w: one small aggregate per finding. With no such
// flows it is w itself.
func Seen(ctx context.Context, src Source, detector string, w Window, filter string) (first, last time.Time, err error) {
	rows, err := Query(ctx, src, detector, filter, duckdb.AggregateQuery{From: w.From, Until: w.Until, By: []string{"time"}, Limit: 100000})
	if err != nil {
		return first, last, err
	}
	for _, r := range rows {
		t, _ := r["time"].(time.Time)
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	if first.IsZero() {
		return w.From, w.Until, nil
	}
	return Later(first, w.From), Earlier(last.Add(time.Hour), w.Until), nil
}

// Later is the later of a and b (b when they are the same instant).
func Later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Earlier is the earlier of a and b (b when they are the same instant).
func Earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// HasBaseline reports whether w has a baseline before it to compare with.
func (w Window) HasBaseline() bool {
	return !w.BaselineFrom.IsZero() && w.BaselineFrom.Before(w.From)
}

// BaselineQuery sets q to w and, when w has a baseline, widens it to the
// baseline split at w.From: measures then come as m_now (w) and m_prev (the
// baseline), which Now and Prev read.
func BaselineQuery(q duckdb.AggregateQuery, w Window) duckdb.AggregateQuery {
	q.From, q.Until = w.From, w.Until
	if w.HasBaseline() {
		q.From, q.Split = w.BaselineFrom, w.From
	}
	return q
}

// Now reads measure m of a row in w, from a query BaselineQuery may have split.
func Now(r duckdb.Row, m string) uint64 {
	if _, ok := r[m+"_now"]; ok {
		return Num(r, m+"_now")
	}
	return Num(r, m)
}

// Prev reads measure m of a row in the baseline: 0 when the query was not split.
func Prev(r duckdb.Row, m string) uint64 { return Num(r, m+"_prev") }

// Quote is a text value for a filter (the filter language quotes strings as Go
// does).
func Quote(s string) string { return strconv.Quote(s) }

// QuoteAll is "a", "b", "c": quoted values for a filter's in (...).
func QuoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = Quote(v)
	}
	return strings.Join(q, ", ")
}

// SortedIPs is a set's (or a map's keys') addresses in numeric order, without "", for stable
// entities and keys; members that are not addresses sort as text.
func SortedIPs[V any](set map[string]V) []string {
	ips := make([]string, 0, len(set))
	for ip := range set {
		if ip != "" {
			ips = append(ips, ip)
		}
	}
	slices.SortFunc(ips, func(a, b string) int {
		x, errx := netip.ParseAddr(a)
		y, erry := netip.ParseAddr(b)
		if errx != nil || erry != nil {
			return strings.Compare(a, b)
		}
		return x.Compare(y)
	})
	return ips
}

// SortedKeys are a map's keys in order, all of them.
func SortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// NonEmptyKeys are a map's keys in order, less "" (an unknown that entities
// and details leave out).
func NonEmptyKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Size writes a byte count in decimal units (B, kB, MB, GB) for titles and
// summaries.
func Size(b uint64) string { return size(b, "kB") }

// SizeKB is Size writing thousands as "KB", as the legacy and remote-access
// detectors' titles always have: changing it would change their findings' text.
func SizeKB(b uint64) string { return size(b, "KB") }

func size(b uint64, kilo string) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(b)/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(b)/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.1f %s", float64(b)/1e3, kilo)
	}
	return fmt.Sprintf("%d B", b)
}

// PortList is "22, 80, 443": ports for a filter's in (...) or a summary.
func PortList(ports []uint16) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.FormatUint(uint64(p), 10)
	}
	return strings.Join(s, ", ")
}

// Scorer adds up a score and its reasons; the zero value is ready to use.
type Scorer struct {
	total   int
	reasons []ScoreReason
}

// Add adds points for reason; a reason worth 0 points is left out.
func (s *Scorer) Add(points int, reason string) {
	if points == 0 {
		return
	}
	s.total += points
	s.reasons = append(s.reasons, ScoreReason{Reason: reason, Points: points})
}

// Score is the total capped to 0–100 (reasons may add up to more).
func (s *Scorer) Score() int { return min(max(s.total, 0), 100) }

// Reasons are the reasons added, in order, for Evidence.Score.
func (s *Scorer) Reasons() []ScoreReason { return s.reasons }
