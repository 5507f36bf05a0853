package query

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// emitter writes the SQL for a parsed filter. Every literal goes to args and is
// written as a placeholder; the only text it writes is column names and
// operators from the field tables.
type emitter struct {
	d    *Dialect
	b    strings.Builder
	args []any
	cols []string // the filtered table's columns used
}

func (e *emitter) use(col string) {
	if !slices.Contains(e.cols, col) {
		e.cols = append(e.cols, col)
	}
}

// arg records v and returns its placeholder.
func (e *emitter) arg(v any) string {
	e.args = append(e.args, v)
	if e.d.numbered {
		return "$" + strconv.Itoa(len(e.args))
	}
	return "?"
}

func (e *emitter) u64(n uint64) string { return e.arg(e.d.unsigned(n)) }

func (e *emitter) write(ss ...string) {
	for _, s := range ss {
		e.b.WriteString(s)
	}
}

func (e *emitter) expr(x Expr) {
	switch x := x.(type) {
	case *Logical:
		sep := " AND "
		if x.Op == "or" {
			sep = " OR "
		}
		for i, t := range x.Terms {
			if i > 0 {
				e.write(sep)
			}
			if _, nested := t.(*Logical); nested {
				e.write("(")
				e.expr(t)
				e.write(")")
				continue
			}
			e.expr(t)
		}
	case *Not:
		e.write("NOT (")
		e.expr(x.X)
		e.write(")")
	case *Compare:
		e.compare(x)
	}
}

// compare writes one comparison. A side-less field means either side: a
// positive comparison holds when it holds on src or dst, a negative one (!=,
// not in) when it holds on both, so that ip != X means neither end is X.
func (e *emitter) compare(c *Compare) {
	cols := c.def.cols
	if len(cols) == 1 {
		e.column(cols[0], c)
		return
	}
	sep := " OR "
	if c.Op.negative() {
		sep = " AND "
	}
	e.write("(")
	for i, col := range cols {
		if i > 0 {
			e.write(sep)
		}
		e.column(col, c)
	}
	e.write(")")
}

var sqlOps = map[Op]string{OpEq: "=", OpNe: "<>", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">="}

// column writes c's condition on one column. Whatever it writes binds tighter
// than AND and OR: composite conditions are parenthesized. A side's endpoint
// attribute is not in flows but in endpoints, so its condition becomes a
// semi-join on the side's endpoint code. That keeps negative comparisons right
// too: every flow has exactly one src_ep, so "src.role != db" is "src_ep is an
// endpoint whose role is not db".
func (e *emitter) column(col string, c *Compare) {
	if ref, attr, ok := endpointColumn(col); ok {
		e.use(ref)
		e.write(ref, " IN (SELECT id FROM endpoints WHERE ")
		e.condition(attr, c)
		e.write(")")
		return
	}
	e.use(col)
	e.condition(col, c)
}

// condition writes c's condition on a column of the table being filtered.
func (e *emitter) condition(col string, c *Compare) {
	switch c.def.kind {
	case kindText:
		e.text(col, c)
	case kindFeeds:
		e.feeds(col, c)
	case kindIP:
		e.ip(col, c)
	default:
		e.number(col, c)
	}
}

func (e *emitter) number(col string, c *Compare) {
	val := func(v value) string {
		if c.def.kind == kindBool {
			return e.arg(v.b)
		}
		return e.u64(v.n)
	}
	if c.Op == OpIn || c.Op == OpNotIn {
		e.write(col, inWord(c.Op), " (")
		for i, v := range c.vals {
			if i > 0 {
				e.write(", ")
			}
			e.write(val(v))
		}
		e.write(")")
		return
	}
	e.write(col, " ", sqlOps[c.Op], " ", val(c.vals[0]))
}

func inWord(op Op) string {
	if op.negative() {
		return " NOT IN"
	}
	return " IN"
}

// dictDomain narrows dict to the column's code space: each kind of text (zone,
// workload, service ...) is coded densely on its own, the same for both sides, so
// that the stored codes bit-pack into few bits. The domain is the column name
// without its side; it comes from the schema table, never from the filter.
func dictDomain(col string) string {
	col = strings.TrimPrefix(strings.TrimPrefix(col, "src_"), "dst_")
	return "domain = '" + col + "' AND "
}

// text compares a dictionary-coded column through dict(domain, id, s). Code 0 is the
// empty string, so = "" needs no subquery.
func (e *emitter) text(col string, c *Compare) {
	s := "s"
	if c.def.fold == lower {
		s = e.d.lower + "(s)"
	}
	switch c.Op {
	case OpEq, OpNe:
		if c.vals[0].s == "" {
			e.write(col, " ", sqlOps[c.Op], " 0")
			return
		}
		e.write(col, inWord(c.Op), " (SELECT id FROM dict WHERE ", dictDomain(col), s, " = ", e.arg(c.vals[0].s), ")")
	case OpContains:
		e.write(col, " IN (SELECT id FROM dict WHERE ", dictDomain(col), fmt.Sprintf(e.d.containsFold, "s", e.arg(c.vals[0].s)), ")")
	case OpIn, OpNotIn:
		e.textList(col, s, c)
	default:
		e.write(col, " IN (SELECT id FROM dict WHERE ", dictDomain(col), s, " ", sqlOps[c.Op], " ", e.arg(c.vals[0].s), ")")
	}
}

// textList writes [not] in (...), taking "" out of the subquery as code 0.
func (e *emitter) textList(col, s string, c *Compare) {
	empty, others := false, 0
	for _, v := range c.vals {
		if v.s == "" {
			empty = true
		} else {
			others++
		}
	}
	neg := c.Op.negative()
	both := empty && others > 0
	if both {
		e.write("(")
	}
	if empty {
		if neg {
			e.write(col, " <> 0")
		} else {
			e.write(col, " = 0")
		}
	}
	if both {
		if neg {
			e.write(" AND ")
		} else {
			e.write(" OR ")
		}
	}
	if others > 0 {
		e.write(col, inWord(c.Op), " (SELECT id FROM dict WHERE ", dictDomain(col), s, " IN (")
		n := 0
		for _, v := range c.vals {
			if v.s == "" {
				continue
			}
			if n > 0 {
				e.write(", ")
			}
			e.write(e.arg(v.s))
			n++
		}
		e.write("))")
	}
	if both {
		e.write(")")
	}
}

// feeds compares the comma-separated feed list: = X means X is one of the feeds,
// any means listed on some feed (code 0 is the empty list), none on no feed.
func (e *emitter) feeds(col string, c *Compare) {
	if c.Op == OpContains {
		e.write(col, " IN (SELECT id FROM dict WHERE ", dictDomain(col), fmt.Sprintf(e.d.containsFold, "s", e.arg(c.vals[0].s)), ")")
		return
	}
	neg := c.Op.negative()
	if len(c.vals) > 1 {
		e.write("(")
	}
	for i, v := range c.vals {
		if i > 0 {
			if neg {
				e.write(" AND ")
			} else {
				e.write(" OR ")
			}
		}
		switch {
		case (v.listed || v.unlisted) && v.listed != neg: // = any, != none
			e.write(col, " <> 0")
		case v.listed || v.unlisted: // != any, = none
			e.write(col, " = 0")
		default:
			e.write(col, inWord(c.Op), " (SELECT id FROM dict WHERE ", dictDomain(col), fmt.Sprintf(e.d.listHas, "s", e.arg(v.s)), ")")
		}
	}
	if len(c.vals) > 1 {
		e.write(")")
	}
}

// ip compares an address-coded column through ips(id, ip, hi, lo). A CIDR is a
// range of (hi, lo); a prefix of 64 bits or more fixes hi, a shorter one leaves
// lo free, so one BETWEEN always suffices.
func (e *emitter) ip(col string, c *Compare) {
	if c.Op == OpContains {
		e.write(col, " IN (SELECT id FROM ips WHERE ", fmt.Sprintf(e.d.containsFold, "ip", e.arg(c.vals[0].s)), ")")
		return
	}
	e.write(col, inWord(c.Op), " (SELECT id FROM ips WHERE ")
	for i, v := range c.vals {
		if i > 0 {
			e.write(" OR ")
		}
		if len(c.vals) > 1 {
			e.write("(")
		}
		switch {
		case v.hi1 == v.hi2 && v.lo1 == v.lo2:
			e.write("hi = ", e.u64(v.hi1), " AND lo = ", e.u64(v.lo1))
		case v.hi1 == v.hi2:
			e.write("hi = ", e.u64(v.hi1), " AND lo BETWEEN ", e.u64(v.lo1), " AND ", e.u64(v.lo2))
		default:
			e.write("hi BETWEEN ", e.u64(v.hi1), " AND ", e.u64(v.hi2))
		}
		if len(c.vals) > 1 {
			e.write(")")
		}
	}
	e.write(")")
}
