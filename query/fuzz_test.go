package query

import (
	"strings"
	"testing"
)

// FuzzParse checks that no input panics or hangs, that whatever parses also
// compiles for every dialect with one argument per placeholder, and that String
// renders a filter that parses back to the same rendering.
func FuzzParse(f *testing.F) {
	for _, tt := range compileTests {
		f.Add(tt.filter)
	}
	for _, tt := range errorTests {
		f.Add(tt.filter)
	}
	f.Fuzz(func(t *testing.T, filter string) {
		e, err := Parse(filter)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse(%q) error %T, want *Error", filter, err)
			}
			return
		}
		for _, d := range []Dialect{DuckDB, ClickHouse} {
			c, err := Compile(filter, d)
			if err != nil {
				t.Fatalf("Parse(%q) succeeded but Compile(%s) failed: %v", filter, d, err)
			}
			if n := strings.Count(c.Where, "?"); n != len(c.Args) {
				t.Fatalf("Compile(%q, %s): %d placeholders, %d args: %s", filter, d, n, len(c.Args), c.Where)
			}
		}
		if e == nil {
			return
		}
		s := e.String()
		e2, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) renders %q, which does not parse: %v", filter, s, err)
		}
		if s2 := e2.String(); s2 != s {
			t.Fatalf("rendering is not stable: %q → %q → %q", filter, s, s2)
		}
	})
}
