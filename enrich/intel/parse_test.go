package intel

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weirhq/weir/internal/testutil"
)

func TestDetect(t *testing.T) {
	tests := map[string]string{
		"plain.txt":             FormatPlain,
		"firehol_level1.netset": FormatFireHOL,
		"ipblocklist.csv":       FormatFeodoCSV,
		"ipblocklist.json":      FormatFeodoJSON,
		"urlhaus.csv":           FormatURLhausCSV,
		"threatfox.csv":         FormatThreatFoxCSV,
		"drop.txt":              FormatSpamhausDROP,
		"drop_v4.json":          FormatSpamhausJSON,
		"drop_v6.json":          FormatSpamhausJSON,
		"stix-bundle.json":      FormatSTIX,
		"iocs.csv":              FormatCSV,
	}
	for file, want := range tests {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		// The name must not matter: detection reads the content.
		if got := detect("feed", data); got != want && !(want == FormatFireHOL && got == FormatPlain) {
			t.Errorf("detect(%s) = %q, want %q", file, got, want)
		}
		if got := detect(file, data); got != want {
			t.Errorf("detect(%s) with its name = %q, want %q", file, got, want)
		}
	}
}

// TestParse checks each testdata feed against its golden parse.
func TestParse(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 11 {
		t.Fatalf("found %d testdata feeds", len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			p, err := parse(name, data)
			if err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, filepath.Join("testdata", "golden", name+".txt"), []byte(dump(p)))
		})
	}
}

// dump renders a parse as text for a golden file.
func dump(p *parsed) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format %s category %q skipped %d bad %d\n", p.format, p.category, p.skipped, p.bad)
	for _, e := range p.ips {
		fmt.Fprintf(&b, "ip %s %q %d\n", e.pfx, e.category, e.confidence)
	}
	for _, e := range p.domains {
		fmt.Fprintf(&b, "domain %s %q %d\n", e.name, e.category, e.confidence)
	}
	for _, e := range p.errors {
		fmt.Fprintf(&b, "error %s\n", e)
	}
	return b.String()
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"unknown json", `{"hello": "world"}`, "not a threat-intel format"},
		{"csv without value column", "name,category\nx,y\n", ""}, // detected as plain: a bad line, not an error
	}
	for _, tt := range tests {
		_, err := parse(tt.name, []byte(tt.data))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: parse() error = %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: parse() error = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestSTIXValues(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
		problem bool
	}{
		{"[ipv4-addr:value = '198.51.100.7']", []string{"198.51.100.7"}, false},
		{"[ipv4-addr:value='198.51.100.7' OR ipv6-addr:value = '2001:db8::1']", []string{"198.51.100.7", "2001:db8::1"}, false},
		{"[domain-name:value = 'it\\'s.example']", []string{"it's.example"}, false},
		{"[ipv4-addr:value != '198.51.100.7']", nil, false},
		{"[ipv4-addr:value MATCHES '^198']", nil, false},
		{"[network-traffic:dst_ref.value = '198.51.100.9']", nil, false},
		{"[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 443]", []string{"198.51.100.7"}, false},
		{"[ipv4-addr:value = 198]", nil, true},
		{"[ipv4-addr:value = '198", nil, true},
		{"[file:name = 'x.exe']", nil, false},
	}
	for _, tt := range tests {
		got, _, problem := stixValues(tt.pattern)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) || (problem != "") != tt.problem {
			t.Errorf("stixValues(%q) = %q, %q; want %q, problem %v", tt.pattern, got, problem, tt.want, tt.problem)
		}
	}
}

func TestSplitCSV(t *testing.T) {
	tests := []struct{ line, want string }{
		{`a,b,c`, `[a b c]`},
		{`"a", "b,c", "d"`, `[a b,c d]`},
		{`"a",,"c"`, `[a  c]`},
		{`"unterminated`, `[unterminated]`},
		{`x,`, `[x ]`},
	}
	for _, tt := range tests {
		got := fmt.Sprintf("%s", splitCSV([]byte(tt.line), nil))
		if got != tt.want {
			t.Errorf("splitCSV(%q) = %s, want %s", tt.line, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(path), data)
	}
	f.Add("x.txt", []byte("[ipv4-addr:value = '"))
	f.Add("x.json", []byte(`{"type":"bundle","objects":[{"type":"indicator","pattern":"[ipv4-addr:value = '1.2.3.4"}]}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		p, err := parse(name, data)
		if err != nil {
			return
		}
		for _, e := range p.ips {
			if !e.pfx.IsValid() || e.pfx != e.pfx.Masked() {
				t.Fatalf("parse yielded invalid or unmasked prefix %s", e.pfx)
			}
		}
		for _, e := range p.domains {
			if d, ok := cleanDomain(e.name); !ok || d != e.name {
				t.Fatalf("parse yielded unclean domain %q", e.name)
			}
		}
		if len(p.errors) > maxErrors {
			t.Fatalf("%d errors kept, at most %d", len(p.errors), maxErrors)
		}
		// The merged tables must build from anything a parse yields.
		build([]Feed{{Name: "f", Path: name}}, []*parsed{p})
	})
}
