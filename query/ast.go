package query

import "strings"

// Expr is a parsed filter: a *Logical, a *Not or a *Compare. String renders it
// back as a filter that parses to the same tree; JSON renders it for the API.
type Expr interface {
	// Pos is the 1-based character position where the expression starts.
	Pos() int
	String() string
	expr()
}

// Logical joins two or more terms with the same operator, "and" or "or". Chains
// are flattened: a and b and c is one Logical with three terms.
type Logical struct {
	Op    string `json:"op"`
	Terms []Expr `json:"terms"`
}

// Not negates its operand.
type Not struct {
	At int  `json:"pos"`
	X  Expr `json:"not"`
}

// Op is a comparison operator.
type Op string

// The comparison operators. OpContains is case-insensitive substring match.
const (
	OpEq       Op = "="
	OpNe       Op = "!="
	OpLt       Op = "<"
	OpLe       Op = "<="
	OpGt       Op = ">"
	OpGe       Op = ">="
	OpContains Op = "~"
	OpIn       Op = "in"
	OpNotIn    Op = "not in"
)

// negative reports whether op excludes values; on a field that stands for both
// sides, a negative comparison must hold on neither side.
func (o Op) negative() bool { return o == OpNe || o == OpNotIn }

// Compare is field op value, or field [not] in (values). Field is the name as
// the user wrote it, lower-cased; Values hold one value except for in lists.
type Compare struct {
	Field   string  `json:"field"`
	FieldAt int     `json:"pos"`
	Op      Op      `json:"cmp"`
	OpAt    int     `json:"op_pos"`
	Values  []Value `json:"values"`

	def  *fieldDef // resolved by the parser
	vals []value   // Values converted for the field's kind
}

// Value is one literal as written: Quoted tells "10.0.0.5" from 10.0.0.5, which
// matters for the reserved words any and none of threat fields.
type Value struct {
	Text   string `json:"text"`
	Quoted bool   `json:"quoted,omitempty"`
	At     int    `json:"pos"`
}

func (e *Logical) Pos() int { return e.Terms[0].Pos() }
func (e *Not) Pos() int     { return e.At }
func (e *Compare) Pos() int { return e.FieldAt }

func (*Logical) expr() {}
func (*Not) expr()     {}
func (*Compare) expr() {}

func (e *Logical) String() string {
	var b strings.Builder
	for i, t := range e.Terms {
		if i > 0 {
			b.WriteString(" " + e.Op + " ")
		}
		writeOperand(&b, t)
	}
	return b.String()
}

func (e *Not) String() string {
	var b strings.Builder
	b.WriteString("not ")
	writeOperand(&b, e.X)
	return b.String()
}

// writeOperand parenthesizes a Logical, which is always safe and keeps the
// rendering independent of precedence.
func writeOperand(b *strings.Builder, e Expr) {
	if _, ok := e.(*Logical); ok {
		b.WriteString("(" + e.String() + ")")
		return
	}
	b.WriteString(e.String())
}

func (e *Compare) String() string {
	var b strings.Builder
	b.WriteString(e.Field + " " + string(e.Op) + " ")
	if e.Op == OpIn || e.Op == OpNotIn {
		b.WriteByte('(')
		for i, v := range e.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.String())
		}
		b.WriteByte(')')
		return b.String()
	}
	b.WriteString(e.Values[0].String())
	return b.String()
}

// String renders the value bare when it was bare, quoted otherwise.
func (v Value) String() string {
	if !v.Quoted && v.Text != "" {
		return v.Text
	}
	return quote(v.Text)
}

// quote renders s as a double-quoted filter string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
