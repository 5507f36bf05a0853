package query

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestPrecedence checks grouping through String, which parenthesizes every
// nested and/or.
func TestPrecedence(t *testing.T) {
	tests := []struct{ filter, want string }{
		{"port = 1 or port = 2 and port = 3", "port = 1 or (port = 2 and port = 3)"},
		{"port = 1 and port = 2 or port = 3", "(port = 1 and port = 2) or port = 3"},
		{"port = 1 and port = 2 and port = 3", "port = 1 and port = 2 and port = 3"},
		{"port = 1 or port = 2 or port = 3 and port = 4", "port = 1 or port = 2 or (port = 3 and port = 4)"},
		{"not port = 1 and port = 2", "not port = 1 and port = 2"},
		{"not (port = 1 and port = 2)", "not (port = 1 and port = 2)"},
		{"(port = 1 or port = 2) and port = 3", "(port = 1 or port = 2) and port = 3"},
		{"((port = 1))", "port = 1"},
		{"NOT Port = 1 AnD PORT In (1,2) oR service NOT IN ('a b')", "(not port = 1 and port in (1, 2)) or service not in (\"a b\")"},
		{`service = "it's" or service = 'say "hi"\n'`, `service = "it's" or service = "say \"hi\"\n"`},
	}
	for _, tt := range tests {
		e, err := Parse(tt.filter)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", tt.filter, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("Parse(%q).String()\n got: %s\nwant: %s", tt.filter, got, tt.want)
		}
	}
}

func TestParseAST(t *testing.T) {
	const filter = `service in (SMB, RDP) and src.zone = "Internal Azure" and not dst.role = db`
	want := &Logical{Op: "and", Terms: []Expr{
		&Compare{Field: "service", FieldAt: 1, Op: OpIn, OpAt: 9, Values: []Value{{Text: "SMB", At: 13}, {Text: "RDP", At: 18}}},
		&Compare{Field: "src.zone", FieldAt: 27, Op: OpEq, OpAt: 36, Values: []Value{{Text: "Internal Azure", Quoted: true, At: 38}}},
		&Not{At: 59, X: &Compare{Field: "dst.role", FieldAt: 63, Op: OpEq, OpAt: 72, Values: []Value{{Text: "db", At: 74}}}},
	}}
	got, err := Parse(filter)
	if err != nil {
		t.Fatalf("Parse() error: %v", err)
	}
	if diff := cmp.Diff(got, want, cmpopts.IgnoreUnexported(Compare{})); diff != "" {
		t.Errorf("Parse() (-got, +want):\n%s", diff)
	}
	if got.Pos() != 1 {
		t.Errorf("Pos() = %d, want 1", got.Pos())
	}
	js, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	const wantJSON = `{"op":"and","terms":[` +
		`{"field":"service","pos":1,"cmp":"in","op_pos":9,"values":[{"text":"SMB","pos":13},{"text":"RDP","pos":18}]},` +
		`{"field":"src.zone","pos":27,"cmp":"=","op_pos":36,"values":[{"text":"Internal Azure","quoted":true,"pos":38}]},` +
		`{"pos":59,"not":{"field":"dst.role","pos":63,"cmp":"=","op_pos":72,"values":[{"text":"db","pos":74}]}}]}`
	if string(js) != wantJSON {
		t.Errorf("JSON\n got: %s\nwant: %s", js, wantJSON)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, f := range []string{"", " \t\n"} {
		if e, err := Parse(f); e != nil || err != nil {
			t.Errorf("Parse(%q) = %v, %v; want nil, nil", f, e, err)
		}
	}
}

// TestBareWords checks values that need no quotes.
func TestBareWords(t *testing.T) {
	for filter, want := range map[string]string{
		"dst.ip = 10.0.0.0/8":             "10.0.0.0/8",
		"ip = fe80::1":                    "fe80::1",
		"zone=Internal-ish":               "Internal-ish",
		"start >= 2024-05-01T10:00:00Z":   "2024-05-01T10:00:00Z",
		"bytes > 1.5GB":                   "1.5GB",
		"service in (SMB)":                "SMB",
		"exporter = aws-vpc/123/eni-0abc": "aws-vpc/123/eni-0abc",
	} {
		e, err := Parse(filter)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", filter, err)
			continue
		}
		if got := e.(*Compare).Values[0].Text; got != want {
			t.Errorf("Parse(%q) value = %q, want %q", filter, got, want)
		}
	}
}
