// Package insight computes the Hub's widgets (DESIGN §5): risky services,
// destination roles, zones, cross-region traffic, malicious IPs, the threat map,
// external transfers, countries, Shadow LLM use and the timeline, each as rows of
// keys with flows and bytes in Now = [until−window, until) against Prev =
// [until−2·window, until−window), their deltas and percent changes.
//
// An insight is a definition in defs.go: its parameters, the filter it adds to
// the user's, the fields it groups by; the few that need more than one query
// (malicious-ips, threat-map, countries, timeline, the service ports) have a
// function in their own file. It owns no SQL and no storage: filters are
// compiled by package query and sums come from the store's Aggregate, which
// picks the hourly rollup when it can.
package insight

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/weirhq/weir/store/duckdb"
)

// Source is what insights read: the store's sums. Run calls it from one
// goroutine; it must return the rows ordered as AggregateQuery says.
type Source interface {
	Aggregate(ctx context.Context, q duckdb.AggregateQuery) (rows []duckdb.Row, table string, err error)
}

// Params are an insight request as a user gives it, all as text: Run validates
// them. Empty means the default.
type Params struct {
	Window string // a duration, 1m to 90d (e.g. 24h, 90m, 7d); default 24h
	Until  string // RFC 3339, from 2000 to a day after Now; default Now
	By     string // flows or bytes: the measure that ranks rows; default flows
	Limit  string // 1 to 1000; default 10
	Q      string // a filter (DESIGN §6) AND-ed to the insight's own
	// Extra are the insight's own parameters (service=SMB, group=country,
	// provider=OpenAI, bucket=1h ...); a name the insight does not take is an error.
	Extra map[string]string
	// Now is the clock's reading that Until defaults to; zero means time.Now().
	Now time.Time
}

// Result is an insight's answer. Rows hold Columns (keys first, then the
// measures); numbers are uint64 (sums), int64 (deltas) or float64 (percent
// changes, absent when Prev is 0).
type Result struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	From     time.Time    `json:"from"`      // start of Now
	Until    time.Time    `json:"until"`     // end of Now
	PrevFrom time.Time    `json:"prev_from"` // start of Prev, which ends at From
	Columns  []string     `json:"columns"`
	Rows     []duckdb.Row `json:"rows"`
	Table    string       `json:"table"` // "rollup" when every query read the hourly rollup, else "raw"
}

// ErrUnknown is the error of an insight id that does not exist; its message lists the valid ids.
var ErrUnknown = errors.New("unknown insight")

// ParamError is a parameter Run refuses. For a bad filter (Param "q" or a
// parameter that becomes one) Err is the *query.Error with its position.
type ParamError struct {
	Param string
	Err   error
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Err.Error() }
func (e *ParamError) Unwrap() error { return e.Err }

func paramErr(name, format string, args ...any) error {
	return &ParamError{Param: name, Err: fmt.Errorf(format, args...)}
}

// Info describes an insight for help texts, the API's errors and its OpenAPI document.
type Info struct {
	ID     string      `json:"id"`
	Title  string      `json:"title"`
	Doc    string      `json:"doc"`
	Params []ParamInfo `json:"params,omitempty"`
}

// ParamInfo is one of an insight's own parameters.
type ParamInfo struct {
	Name string `json:"name"`
	Doc  string `json:"doc"`
}

// IDs lists every insight id in the Hub's order.
func IDs() []string {
	ids := make([]string, len(defs))
	for i, d := range defs {
		ids[i] = d.id
	}
	return ids
}

// Insights describes every insight, in the Hub's order.
func Insights() []Info {
	out := make([]Info, len(defs))
	for i, d := range defs {
		out[i] = Info{ID: d.id, Title: d.title, Doc: d.doc}
		for _, p := range d.params {
			out[i].Params = append(out[i].Params, ParamInfo{Name: p.name, Doc: p.doc})
		}
	}
	return out
}

// Run computes insight id over src. Errors: ErrUnknown (wrapped) for an id that
// does not exist, *ParamError for a parameter it refuses, anything else from the store.
func Run(ctx context.Context, src Source, id string, p Params) (*Result, error) {
	d := lookup(id)
	if d == nil {
		return nil, fmt.Errorf("%w %q: valid insights are %s", ErrUnknown, id, strings.Join(IDs(), ", "))
	}
	rq, err := newRequest(d, p)
	if err != nil {
		return nil, err
	}
	run := d.run
	if run == nil {
		run = grouped
	}
	res := &Result{ID: d.id, Title: d.title, From: rq.from, Until: rq.until, PrevFrom: rq.prevFrom, Table: "rollup"}
	if err := run(ctx, src, d, rq, res); err != nil {
		return nil, fmt.Errorf("insight %s: %w", d.id, err)
	}
	if res.Rows == nil {
		res.Rows = []duckdb.Row{}
	}
	return res, nil
}

func lookup(id string) *def {
	for i := range defs {
		if defs[i].id == id {
			return &defs[i]
		}
	}
	return nil
}
