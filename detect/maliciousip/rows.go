package maliciousip

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/store/duckdb"
)

// The helpers below are the same in each detector package of this family: they
// are small, and a shared package would be one more import for four functions.

// num reads a measure or a numeric key of an aggregate row.
func num(r duckdb.Row, k string) uint64 {
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
	}
	return 0
}

// str reads a text key of an aggregate row.
func str(r duckdb.Row, k string) string {
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

// aggregate compiles filter and asks src for the aggregate q describes.
func aggregate(ctx context.Context, src detect.Source, filter string, q duckdb.AggregateQuery) ([]duckdb.Row, error) {
	c, err := query.Compile(filter, query.DuckDB)
	if err != nil {
		return nil, fmt.Errorf("%s: compile %q: %w", name, filter, err)
	}
	q.Where, q.Args, q.Columns = c.Where, c.Args, c.Columns
	rows, _, err := src.Aggregate(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rows, nil
}

// seen is when the flows filter selects were seen in w, to the hour (the rollup's
// grain), clipped to w: one small aggregate per finding.
func seen(ctx context.Context, src detect.Source, w detect.Window, filter string) (first, last time.Time, err error) {
	rows, err := aggregate(ctx, src, filter, duckdb.AggregateQuery{From: w.From, Until: w.Until, By: []string{"time"}, Limit: 100000})
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
	first = later(first, w.From)
	last = earlier(last.Add(time.Hour), w.Until)
	return first, last, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// quoted is a value for a filter.
func quoted(s string) string { return strconv.Quote(s) }

// sortedIPs sorts addresses numerically, for stable entities and keys.
func sortedIPs(set map[string]bool) []string {
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

// sortedKeys are a set's members in order.
func sortedKeys[T string | uint16](set map[T]bool) []T {
	out := make([]T, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// scorer adds up a score and its reasons, capped to 0–100.
type scorer struct {
	total   int
	reasons []detect.ScoreReason
}

func (s *scorer) add(points int, reason string) {
	if points == 0 {
		return
	}
	s.total += points
	s.reasons = append(s.reasons, detect.ScoreReason{Reason: reason, Points: points})
}

func (s *scorer) score() int { return min(max(s.total, 0), 100) }
