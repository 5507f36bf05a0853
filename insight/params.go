package insight

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/query"
)

// Bounds of the common parameters.
const (
	minWindow    = time.Minute
	maxWindow    = 90 * 24 * time.Hour
	defaultLimit = 10
	maxLimit     = 1000
)

// request is a validated Params.
type request struct {
	from, until, prevFrom time.Time
	window                time.Duration
	by                    string // flows or bytes
	limit                 int
	q                     string            // the user's filter, already known to compile
	params                map[string]string // the insight's own, validated, defaults filled in
}

func newRequest(d *def, p Params) (*request, error) {
	rq := &request{by: "flows", limit: defaultLimit, q: p.Q, params: map[string]string{}}
	var err error
	if rq.window, err = parseWindow(p.Window); err != nil {
		return nil, err
	}
	now := p.Now
	if now.IsZero() {
		now = time.Now()
	}
	rq.until = now.UTC().Truncate(time.Second)
	if p.Until != "" {
		t, err := time.Parse(time.RFC3339, p.Until)
		if err != nil {
			return nil, paramErr("until", "%q is not RFC 3339 (e.g. 2026-01-15T00:00:00Z)", p.Until)
		}
		if t.Year() < 2000 || t.After(now.Add(24*time.Hour)) {
			return nil, paramErr("until", "%s is out of range: from 2000 to a day from now", p.Until)
		}
		rq.until = t.UTC().Truncate(time.Second)
	}
	rq.from, rq.prevFrom = rq.until.Add(-rq.window), rq.until.Add(-2*rq.window)
	switch p.By {
	case "", "flows":
	case "bytes":
		rq.by = "bytes"
	default:
		return nil, paramErr("by", "%q: want flows or bytes", p.By)
	}
	if p.Limit != "" {
		n, err := strconv.Atoi(p.Limit)
		if err != nil || n < 1 || n > maxLimit {
			return nil, paramErr("limit", "%q: want a number from 1 to %d", p.Limit, maxLimit)
		}
		rq.limit = n
	}
	if _, err := query.Compile(p.Q, query.DuckDB); err != nil {
		return nil, &ParamError{Param: "q", Err: err}
	}
	for name, v := range p.Extra {
		i := slices.IndexFunc(d.params, func(pd param) bool { return pd.name == name })
		if i < 0 {
			var names []string
			for _, pd := range d.params {
				names = append(names, pd.name)
			}
			takes := "no parameters of its own"
			if len(names) > 0 {
				takes = "its parameters are " + strings.Join(names, ", ")
			}
			return nil, paramErr(name, "%s takes no parameter %q: %s", d.id, name, takes)
		}
		if v == "" {
			continue
		}
		if c := d.params[i].check; c != nil {
			if err := c(v); err != nil {
				return nil, &ParamError{Param: name, Err: err}
			}
		}
		rq.params[name] = v
	}
	for _, pd := range d.params {
		if _, ok := rq.params[pd.name]; !ok && pd.def != "" {
			rq.params[pd.name] = pd.def
		}
	}
	return rq, nil
}

// parseWindow reads a window: a Go duration (90m, 24h) or a number of days (7d).
func parseWindow(s string) (time.Duration, error) {
	if s == "" {
		return 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if days, ok := strings.CutSuffix(s, "d"); ok && err != nil {
		n, aerr := strconv.Atoi(days)
		if aerr == nil && n > 0 && n <= 90 {
			d, err = time.Duration(n)*24*time.Hour, nil
		}
	}
	switch {
	case err != nil:
		return 0, paramErr("window", "%q: want a duration like 90m, 24h or 7d", s)
	case d < minWindow || d > maxWindow:
		return 0, paramErr("window", "%s: want 1m to 90d", s)
	case d%time.Second != 0:
		return 0, paramErr("window", "%s: want whole seconds", s)
	}
	return d, nil
}

// filter ANDs the non-empty conditions, each in parentheses, and compiles them.
// The user's filter was compiled on its own first, so that its errors point into
// what the user wrote.
func filter(conds ...string) (*query.Compiled, error) {
	var parts []string
	for _, c := range conds {
		if strings.TrimSpace(c) != "" {
			parts = append(parts, "("+c+")")
		}
	}
	c, err := query.Compile(strings.Join(parts, " and "), query.DuckDB)
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) {
			// A parameter's value made a bad filter: checks let it through.
			return nil, fmt.Errorf("filter %q: %w", strings.Join(parts, " and "), err)
		}
		return nil, err
	}
	return c, nil
}

// quoteList turns "SMB, RDP" into `"SMB", "RDP"` for an in (...) list.
func quoteList(v string) string {
	var qs []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			qs = append(qs, strconv.Quote(s))
		}
	}
	return strings.Join(qs, ", ")
}

// oneOf checks that a parameter is one of the words given.
func oneOf(words ...string) func(string) error {
	return func(v string) error {
		if slices.Contains(words, v) {
			return nil
		}
		return fmt.Errorf("%q: want one of %s", v, strings.Join(words, ", "))
	}
}

// nonEmptyList checks a comma-separated list of names.
func nonEmptyList(v string) error {
	if quoteList(v) == "" {
		return errors.New("want a name or a comma-separated list of names")
	}
	return nil
}
