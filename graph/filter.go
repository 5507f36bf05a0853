package graph

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/weirhq/weir/query"
)

// list writes names as a filter's value list, each quoted: a workload name is
// the user's text and never goes into a filter unquoted.
func list(names []string) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(n))
	}
	b.WriteByte(')')
	return b.String()
}

// and joins filters; each is parenthesised so that its "or" stays inside it.
func and(filters ...string) string {
	var parts []string
	for _, f := range filters {
		if strings.TrimSpace(f) != "" {
			parts = append(parts, "("+f+")")
		}
	}
	return strings.Join(parts, " and ")
}

// checkFilter compiles the user's filter alone, so that an error points at a
// position in what the user wrote rather than in the filter it is joined to.
func checkFilter(q string) error {
	if strings.TrimSpace(q) == "" {
		return nil
	}
	if _, err := query.Compile(q, query.DuckDB); err != nil {
		return fmt.Errorf("q: %w", err)
	}
	return nil
}

// compile compiles a filter weir assembled around the user's (already checked).
func compile(filter string) (*query.Compiled, error) {
	c, err := query.Compile(filter, query.DuckDB)
	if err != nil {
		return c, fmt.Errorf("compile map filter %q: %w", filter, err)
	}
	return c, nil
}
