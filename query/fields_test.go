package query

import (
	"slices"
	"strings"
	"testing"
)

func TestFields(t *testing.T) {
	fs := Fields()
	seen := map[string]bool{}
	for i, f := range fs {
		if i > 0 && fs[i-1].Name >= f.Name {
			t.Errorf("Fields() not sorted and unique at %q, %q", fs[i-1].Name, f.Name)
		}
		if f.Type == "" || f.Doc == "" {
			t.Errorf("field %q lacks a type or doc: %+v", f.Name, f)
		}
		if _, err := Parse(f.Name + " != 0"); err != nil && !strings.Contains(err.Error(), "bad value") {
			t.Errorf("field %q from Fields() does not parse: %v", f.Name, err)
		}
		for _, v := range f.Values {
			if _, err := Parse(f.Name + " = " + v); err != nil {
				t.Errorf("field %q value %q from Fields() does not parse: %v", f.Name, v, err)
			}
		}
		seen[f.Name] = true
	}
	// The names DESIGN §2 and §6 promise.
	for _, n := range []string{
		"start", "end", "src.ip", "dst.ip", "src.port", "dst.port", "proto", "bytes", "bytes_rev", "packets",
		"packets_rev", "flows", "action", "direction", "tcp_flags", "exporter", "cloud", "account", "region", "vpc",
		"src.workload", "src.kind", "src.labels.role", "src.role", "dst.labels.app", "dst.app", "src.env", "src.loc",
		"src.zone", "dst.region", "src.country", "src.asn", "src.as_name", "src.domain", "src.threat",
		"src.threat.category", "src.threat.confidence", "service", "service.risk", "service.category",
		"dst.category", "category", "llm.provider", "llm.sanctioned", "format",
		"ip", "port", "workload", "role", "zone", "country", "domain", "threat",
	} {
		if !seen[n] {
			t.Errorf("Fields() lacks %q", n)
		}
	}
	for k := range kindNames {
		if kindNames[k] == "" || kindDesc[k] == "" {
			t.Errorf("kind %d has no name or description", k)
		}
	}
	if !slices.Equal(fieldByName["role"].cols, []string{"src_role", "dst_role"}) {
		t.Errorf("role columns = %v, want both sides", fieldByName["role"].cols)
	}
}
