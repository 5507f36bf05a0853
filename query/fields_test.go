package query

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// TestEndpointAttributes pins the endpoints table the store builds from the
// list, and checks that every per-side field other than ip and port (which stay
// in flows) compiles through it.
func TestEndpointAttributes(t *testing.T) {
	want := []string{"instance", "workload", "kind", "role", "app", "env", "loc", "zone", "region", "country", "asn",
		"as_name", "domain", "threat_feeds", "threat_category", "threat_confidence"}
	got := EndpointAttributes()
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("EndpointAttributes() (-got, +want):\n%s", diff)
	}
	got[0] = "changed"
	if EndpointAttributes()[0] != "instance" {
		t.Error("EndpointAttributes() shares its slice with the caller")
	}
	for _, f := range sided {
		for _, side := range []string{"src", "dst"} {
			col := side + "_" + f.col
			ref, attr, ok := endpointColumn(col)
			if f.col == "ip" || f.col == "port" {
				if ok {
					t.Errorf("%s is a flows column, endpointColumn says %s.%s", col, ref, attr)
				}
				continue
			}
			if !ok || ref != side+"_ep" || attr != f.col {
				t.Errorf("endpointColumn(%q) = %q, %q, %v; want %q, %q, true", col, ref, attr, ok, side+"_ep", f.col)
			}
		}
	}
	for _, c := range []string{"region", "category", "service", "src_ep", "src_", "srcrole", "role"} {
		if ref, attr, ok := endpointColumn(c); ok {
			t.Errorf("endpointColumn(%q) = %q, %q, true; want not an endpoint column", c, ref, attr)
		}
	}
}
