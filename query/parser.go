package query

import (
	"fmt"
	"strings"
)

// maxDepth bounds nesting (parentheses and not) so that a hostile filter cannot
// exhaust the stack.
const maxDepth = 100

// maxLen bounds the filter's length; ClickHouse refuses queries over 256 KiB.
const maxLen = 64 << 10

// parser is a recursive-descent parser with one token of lookahead:
//
//	expr := and ("or" and)*
//	and  := term ("and" term)*
//	term := "not" term | "(" expr ")" | field op value | field ["not"] "in" "(" value ("," value)* ")"
//
// It resolves field names and converts values as it goes, so every error
// points at the first thing that is wrong.
type parser struct {
	lx    *lexer
	tok   token
	depth int
}

func parse(filter string) (Expr, error) {
	if len(filter) > maxLen {
		return nil, &Error{Pos: 1, Msg: "filter longer than 64 KiB"}
	}
	p := &parser{lx: newLexer(filter)}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tokEOF {
		return nil, nil
	}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tokEOF:
		return e, nil
	case tokRParen:
		return nil, p.errorf(p.tok.pos, `unexpected ")" without a matching "("`)
	}
	return nil, p.errorf(p.tok.pos, "unexpected %s after a complete condition (missing and/or?)", p.tok.describe())
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) errorf(pos int, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// keyword reports whether the current token is the bare word kw, in any case.
func (p *parser) keyword(kw string) bool {
	return p.tok.kind == tokWord && strings.EqualFold(p.tok.text, kw)
}

func isKeyword(w string) bool {
	for _, kw := range [...]string{"and", "or", "not", "in"} {
		if strings.EqualFold(w, kw) {
			return true
		}
	}
	return false
}

func (p *parser) expr() (Expr, error) { return p.chain("or", p.and) }
func (p *parser) and() (Expr, error)  { return p.chain("and", p.term) }

// chain parses operand (op operand)* into one flat Logical.
func (p *parser) chain(op string, operand func() (Expr, error)) (Expr, error) {
	first, err := operand()
	if err != nil {
		return nil, err
	}
	if !p.keyword(op) {
		return first, nil
	}
	l := &Logical{Op: op, Terms: []Expr{first}}
	for p.keyword(op) {
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := operand()
		if err != nil {
			return nil, err
		}
		l.Terms = append(l.Terms, e)
	}
	return l, nil
}

func (p *parser) term() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errorf(p.tok.pos, "filter nests more than %d levels deep", maxDepth)
	}
	switch {
	case p.keyword("not"):
		at := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.term()
		if err != nil {
			return nil, err
		}
		return &Not{At: at, X: x}, nil
	case p.tok.kind == tokLParen:
		open := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			if p.tok.kind == tokEOF {
				return nil, p.errorf(open, `unclosed "(" (missing ")")`)
			}
			return nil, p.errorf(p.tok.pos, `expected ")" or and/or, found %s`, p.tok.describe())
		}
		return e, p.advance()
	}
	return p.compare()
}

func (p *parser) compare() (Expr, error) {
	if p.tok.kind != tokWord || isKeyword(p.tok.text) {
		return nil, p.errorf(p.tok.pos, "expected a field name, found %s", p.tok.describe())
	}
	c := &Compare{Field: strings.ToLower(p.tok.text), FieldAt: p.tok.pos}
	if c.def = fieldByName[c.Field]; c.def == nil {
		msg := "unknown field " + short(p.tok.text)
		if s := suggest(c.Field, fieldNames); s != "" {
			msg += " (did you mean " + s + "?)"
		}
		return nil, p.errorf(c.FieldAt, "%s", msg)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	c.OpAt = p.tok.pos
	switch {
	case p.tok.kind == tokOp:
		c.Op = Op(p.tok.text)
	case p.keyword("in"):
		c.Op = OpIn
	case p.keyword("not"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.keyword("in") {
			return nil, p.errorf(p.tok.pos, `expected "in" after "not", found %s`, p.tok.describe())
		}
		c.Op = OpNotIn
	default:
		return nil, p.errorf(p.tok.pos, "expected an operator (= != < <= > >= ~ in) after %s, found %s", c.Field, p.tok.describe())
	}
	if msg := opAllowed(c.def, c.Op); msg != "" {
		return nil, p.errorf(c.OpAt, "%s", msg)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if c.Op == OpIn || c.Op == OpNotIn {
		return c, p.list(c)
	}
	return c, p.value(c)
}

// list parses "(" value ("," value)* ")" after in.
func (p *parser) list(c *Compare) error {
	if p.tok.kind != tokLParen {
		return p.errorf(p.tok.pos, `expected "(" after %s, found %s`, c.Op, p.tok.describe())
	}
	open := p.tok.pos
	if err := p.advance(); err != nil {
		return err
	}
	for {
		if p.tok.kind == tokEOF {
			return p.errorf(open, `unclosed "(" (missing ")")`)
		}
		if err := p.value(c); err != nil {
			return err
		}
		switch p.tok.kind {
		case tokComma:
			if err := p.advance(); err != nil {
				return err
			}
		case tokRParen:
			return p.advance()
		case tokEOF:
			return p.errorf(open, `unclosed "(" (missing ")")`)
		default:
			return p.errorf(p.tok.pos, `expected "," or ")" in the list, found %s`, p.tok.describe())
		}
	}
}

// value parses one literal and converts it for c's field.
func (p *parser) value(c *Compare) error {
	switch {
	case p.tok.kind == tokString:
	case p.tok.kind == tokWord && !isKeyword(p.tok.text):
	case p.tok.kind == tokWord:
		return p.errorf(p.tok.pos, "expected a value for %s, found keyword %s (quote it to use it as a value)", c.Field, p.tok.describe())
	default:
		return p.errorf(p.tok.pos, "expected a value for %s, found %s", c.Field, p.tok.describe())
	}
	v := Value{Text: p.tok.text, Quoted: p.tok.kind == tokString, At: p.tok.pos}
	// ~ looks for text: a fragment of an address or feed list, never converted.
	cv, msg := value{s: v.Text}, ""
	if c.Op != OpContains {
		cv, msg = convert(c.def, v)
	}
	if msg != "" {
		return p.errorf(v.At, "bad value %s for %s: %s", short(v.Text), c.Field, msg)
	}
	c.Values = append(c.Values, v)
	c.vals = append(c.vals, cv)
	return p.advance()
}

// opAllowed explains why op does not apply to field f, or returns "".
func opAllowed(f *fieldDef, op Op) string {
	switch op {
	case OpContains:
		switch f.kind {
		case kindText, kindFeeds, kindIP:
			return ""
		}
		return "~ (contains) does not apply to " + f.name + ", " + kindDesc[f.kind] + " (use = != < <= > >= in)"
	case OpLt, OpLe, OpGt, OpGe:
		switch f.kind {
		case kindIP, kindFeeds, kindBool, kindAction, kindDirection, kindReporter:
			return string(op) + " does not apply to " + f.name + ", " + kindDesc[f.kind] + " (use = != in)"
		}
	}
	return ""
}

var kindDesc = [...]string{
	kindText: "a text", kindFeeds: "a feed list", kindIP: "an IP address", kindPort: "a port",
	kindNumber: "a number", kindASN: "an AS number", kindBytes: "a byte count", kindTime: "a time",
	kindProto: "a protocol", kindAction: "an action", kindDirection: "a direction",
	kindReporter: "a reporter", kindRisk: "a risk", kindBool: "a boolean",
}
