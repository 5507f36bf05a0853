package simulate

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	enchex "encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// small is a quick configuration: a day is enough for every scenario to land.
func small(dir string, seed uint64) Config {
	return Config{Out: dir, Workloads: 40, Hours: 24, Seed: seed, Rate: 0.3}
}

func run(t testing.TB, cfg Config) *Truth {
	t.Helper()
	truth, err := Run(cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return truth
}

// digest maps every file under dir to the SHA-256 of its bytes.
func digest(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = enchex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSameSeedSameBytes(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	run(t, small(a, 7))
	run(t, small(b, 7))
	run(t, small(c, 8))
	da, db, dc := digest(t, a), digest(t, b), digest(t, c)
	if len(da) < 50 {
		t.Fatalf("only %d files written", len(da))
	}
	if diff := cmp.Diff(da, db); diff != "" {
		t.Errorf("same seed, different output (-first, +second):\n%s", diff)
	}
	same := 0
	for path, sum := range da {
		if dc[path] == sum {
			same++
		}
	}
	// With another seed the ids, addresses and counts change: no flow log file may
	// stay the same (only the fixed files could).
	if same > 0 {
		var paths []string
		for path, sum := range da {
			if dc[path] == sum {
				paths = append(paths, path)
			}
		}
		sort.Strings(paths)
		t.Errorf("seeds 7 and 8 wrote %d identical files: %v", same, paths)
	}
}

func TestEveryScenarioKind(t *testing.T) {
	truth := run(t, small(t.TempDir(), 1))
	want := []string{"ajp-probe", "beaconing", "brute-force-rdp", "brute-force-ssh", "cross-region-transfer",
		"exfil-burst", "exfil-slow-drip", "ftp", "lateral-rdp", "lateral-smb", "remote-access-rustdesk",
		"remote-access-vnc", "scan-horizontal", "scan-vertical", "shadow-llm", "telnet"}
	var kinds []string
	providers := map[string]bool{}
	for _, sc := range truth.Scenarios {
		if len(kinds) == 0 || kinds[len(kinds)-1] != sc.Kind {
			kinds = append(kinds, sc.Kind)
		}
		if sc.Expect.Flows == 0 {
			t.Errorf("%s: no flows", sc.ID)
		}
		if !strings.HasPrefix(sc.Tactic, "TA") || !strings.HasPrefix(sc.Technique, "T") {
			t.Errorf("%s: tactic %q technique %q", sc.ID, sc.Tactic, sc.Technique)
		}
		if sc.Start.Before(truth.Start) || sc.End.After(truth.End) || sc.End.Before(sc.Start) {
			t.Errorf("%s: %v–%v outside the window %v–%v", sc.ID, sc.Start, sc.End, truth.Start, truth.End)
		}
		if len(sc.Sources) == 0 || len(sc.Destinations) == 0 {
			t.Errorf("%s: no sources or destinations", sc.ID)
		}
		if sc.Kind == "shadow-llm" {
			providers[sc.Expect.Provider] = true
		}
	}
	sort.Strings(kinds)
	if diff := cmp.Diff(uniq(kinds), want); diff != "" {
		t.Errorf("scenario kinds (-got, +want):\n%s", diff)
	}
	for _, p := range []string{"OpenAI", "Anthropic", "Google Gemini", "xAI Grok"} {
		if !providers[p] {
			t.Errorf("no shadow-llm scenario for %s", p)
		}
	}
	if truth.SanctionedLLM.Provider == "" || providers[truth.SanctionedLLM.Provider] {
		t.Errorf("sanctioned LLM %q is empty or among the shadow ones", truth.SanctionedLLM.Provider)
	}
}

func TestTruthFile(t *testing.T) {
	dir := t.TempDir()
	want := run(t, small(dir, 3))
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got Truth
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("truth.json: %v", err)
	}
	if diff := cmp.Diff(&got, want); diff != "" {
		t.Errorf("truth.json differs from Run's result (-file, +returned):\n%s", diff)
	}
	if got.Seed != 3 || !got.End.Equal(DefaultEnd) || !got.Start.Equal(DefaultEnd.Add(-24*time.Hour)) {
		t.Errorf("seed %d window %v–%v", got.Seed, got.Start, got.End)
	}
}

type inventoryFile struct {
	Networks []struct {
		CIDR   string `yaml:"cidr"`
		Zone   string `yaml:"zone"`
		Cloud  string `yaml:"cloud"`
		Region string `yaml:"region"`
	} `yaml:"networks"`
	Workloads []struct {
		Name      string            `yaml:"name"`
		Kind      string            `yaml:"kind"`
		IPs       []string          `yaml:"ips"`
		Cloud     string            `yaml:"cloud"`
		Account   string            `yaml:"account"`
		Region    string            `yaml:"region"`
		Labels    map[string]string `yaml:"labels"`
		Instances []string          `yaml:"instances"`
	} `yaml:"workloads"`
}

func TestInventoryYAML(t *testing.T) {
	for _, n := range []int{MinWorkloads, 60, 200} {
		dir := t.TempDir()
		cfg := small(dir, 2)
		cfg.Workloads, cfg.Hours = n, 1
		run(t, cfg)
		b, err := os.ReadFile(filepath.Join(dir, "inventory.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var inv inventoryFile
		if err := yaml.Unmarshal(b, &inv); err != nil {
			t.Fatalf("inventory.yaml: %v", err)
		}
		if len(inv.Workloads) != n {
			t.Errorf("%d workloads asked, %d written", n, len(inv.Workloads))
		}
		clouds := map[string]bool{}
		var nets []netip.Prefix
		for _, nw := range inv.Networks {
			p, err := netip.ParsePrefix(nw.CIDR)
			if err != nil || nw.Zone == "" || nw.Region == "" {
				t.Errorf("network %+v", nw)
			}
			nets = append(nets, p)
			clouds[nw.Cloud] = true
		}
		if diff := cmp.Diff(clouds, map[string]bool{"aws": true, "azure": true, "gcp": true, "onprem": true}); diff != "" {
			t.Errorf("clouds (-got, +want):\n%s", diff)
		}
		names, ips := map[string]bool{}, map[string]bool{}
		for _, w := range inv.Workloads {
			if names[w.Name] || len(w.IPs) != 1 || ips[w.IPs[0]] {
				t.Errorf("%s: duplicate name or address %v", w.Name, w.IPs)
			}
			names[w.Name], ips[w.IPs[0]] = true, true
			ip, err := netip.ParseAddr(w.IPs[0])
			if err != nil {
				t.Errorf("%s: %v", w.Name, err)
				continue
			}
			inside := false
			for _, p := range nets {
				inside = inside || p.Contains(ip)
			}
			if !inside {
				t.Errorf("%s: %s is in no network", w.Name, ip)
			}
			for _, k := range []string{"role", "app", "env", "loc"} {
				if w.Labels[k] == "" {
					t.Errorf("%s: no %s label", w.Name, k)
				}
			}
			if w.Cloud != "onprem" && (w.Account == "" || len(w.Instances) == 0) {
				t.Errorf("%s: account %q instances %v", w.Name, w.Account, w.Instances)
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no output", Config{}},
		{"too few workloads", Config{Out: "x", Workloads: 10}},
		{"negative hours", Config{Out: "x", Hours: -1}},
		{"negative rate", Config{Out: "x", Rate: -2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Run(tt.cfg); err == nil {
				t.Errorf("Run(%+v) = nil error", tt.cfg)
			}
		})
	}
}

func TestScaleCounts(t *testing.T) {
	for _, n := range []int{MinWorkloads, 36, 60, 61, 100, 1000} {
		total := 0
		for _, c := range scaleCounts(n) {
			total += c
		}
		if total != n {
			t.Errorf("scaleCounts(%d) adds up to %d", n, total)
		}
	}
}

func TestChunksAddUp(t *testing.T) {
	tests := []struct {
		name  string
		c     conn
		width int64
		parts int
	}{
		{"short", conn{start: 0, end: 10 * usPerSec, pkts: 7, bytes: 7000, pktsRev: 3, bytesRev: 90}, awsWindow, 1},
		{"exact", conn{start: 0, end: awsWindow, pkts: 1, bytes: 60}, awsWindow, 1},
		{"long", conn{start: 5, end: 5 + 25*60*usPerSec, pkts: 1001, bytes: 1e9 + 7, pktsRev: 13, bytesRev: 12345}, awsWindow, 3},
		{"few packets", conn{start: 0, end: 3000 * usPerSec, pkts: 2, bytes: 120}, gcpWindow, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := tt.c.chunks(tt.width, nil)
			if len(parts) != tt.parts {
				t.Fatalf("%d parts, want %d", len(parts), tt.parts)
			}
			var sum chunk
			for i, p := range parts {
				if p.end-p.start > tt.width || (i > 0 && p.start != parts[i-1].end) {
					t.Errorf("part %d spans %d–%d", i, p.start, p.end)
				}
				sum.pkts += p.pkts
				sum.bytes += p.bytes
				sum.pktsRev += p.pktsRev
				sum.bytesRev += p.bytesRev
			}
			want := chunk{pkts: tt.c.pkts, bytes: tt.c.bytes, pktsRev: tt.c.pktsRev, bytesRev: tt.c.bytesRev}
			if diff := cmp.Diff(sum, want, cmp.AllowUnexported(chunk{})); diff != "" {
				t.Errorf("sums (-got, +want):\n%s", diff)
			}
			if parts[0].start != tt.c.start || parts[len(parts)-1].end != tt.c.end {
				t.Errorf("parts cover %d–%d, want %d–%d", parts[0].start, parts[len(parts)-1].end, tt.c.start, tt.c.end)
			}
		})
	}
}

// TestFormats checks every file is well-formed in its format: gzip and JSON decode,
// AWS lines have the header's field count, Azure tuples 13 fields, Zeek lines the
// #fields count.
func TestFormats(t *testing.T) {
	dir := t.TempDir()
	s, err := runSim(small(dir, 5))
	if err != nil {
		t.Fatal(err)
	}
	if s.fs.late != 0 {
		t.Errorf("%d lines were dated before a finished file", s.fs.late)
	}
	seen := map[string]int{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		top := strings.SplitN(rel, "/", 2)[0]
		seen[top]++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			if !zr.ModTime.IsZero() || zr.Name != "" {
				t.Errorf("%s: gzip header has mtime %v name %q", rel, zr.ModTime, zr.Name)
			}
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
		}
		switch top {
		case "aws":
			checkAWS(t, rel, b)
		case "azure":
			checkAzure(t, rel, b)
		case "gcp", "route53":
			checkJSONLines(t, rel, b)
		case "zeek":
			checkZeek(t, rel, b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, top := range []string{"aws", "azure", "gcp", "zeek", "route53", "intel"} {
		if seen[top] == 0 {
			t.Errorf("no files under %s/", top)
		}
	}
}

func checkAWS(t *testing.T, rel string, b []byte) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if lines[0] != awsFields {
		t.Fatalf("%s: header %q", rel, lines[0])
	}
	want := len(strings.Fields(awsFields))
	for i, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) != want {
			t.Fatalf("%s line %d: %d fields, want %d: %s", rel, i+2, len(f), want, l)
		}
		if f[13] == "NODATA" {
			continue
		}
		if f[13] != "OK" || (f[12] != "ACCEPT" && f[12] != "REJECT") || (f[27] != "ingress" && f[27] != "egress") {
			t.Fatalf("%s line %d: %s", rel, i+2, l)
		}
		if _, err := netip.ParseAddr(f[3]); err != nil {
			t.Fatalf("%s line %d: %v", rel, i+2, err)
		}
	}
}

func checkAzure(t *testing.T, rel string, b []byte) {
	t.Helper()
	var blob struct {
		Records []struct {
			Time        time.Time `json:"time"`
			Version     int       `json:"flowLogVersion"`
			MAC         string    `json:"macAddress"`
			FlowRecords struct {
				Flows []struct {
					ACL    string `json:"aclID"`
					Groups []struct {
						Rule   string   `json:"rule"`
						Tuples []string `json:"flowTuples"`
					} `json:"flowGroups"`
				} `json:"flows"`
			} `json:"flowRecords"`
		} `json:"records"`
	}
	if err := json.Unmarshal(b, &blob); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	if len(blob.Records) == 0 {
		t.Fatalf("%s: no records", rel)
	}
	for _, r := range blob.Records {
		if r.Version != 4 || !strings.Contains(rel, "macAddress="+r.MAC+"/") {
			t.Fatalf("%s: record version %d mac %s", rel, r.Version, r.MAC)
		}
		for _, f := range r.FlowRecords.Flows {
			for _, g := range f.Groups {
				for _, tu := range g.Tuples {
					p := strings.Split(tu, ",")
					if len(p) != 13 || !strings.Contains("BCED", p[7]) || (p[6] != "I" && p[6] != "O") {
						t.Fatalf("%s: tuple %q", rel, tu)
					}
				}
			}
		}
	}
}

func checkJSONLines(t *testing.T, rel string, b []byte) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s line %d: %v", rel, n+1, err)
		}
		n++
	}
	if n == 0 {
		t.Errorf("%s: empty", rel)
	}
}

func checkZeek(t *testing.T, rel string, b []byte) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	fields := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "#fields\t") {
			fields = len(strings.Split(l, "\t")) - 1
			continue
		}
		if strings.HasPrefix(l, "#") {
			continue
		}
		if got := len(strings.Split(l, "\t")); got != fields {
			t.Fatalf("%s line %d: %d columns, #fields has %d", rel, i+1, got, fields)
		}
	}
	if !strings.HasPrefix(lines[len(lines)-1], "#close\t") {
		t.Errorf("%s: no #close line", rel)
	}
}

// runSim runs like Run but returns the simulation, for its counters.
func runSim(cfg Config) (*sim, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	s := newSim(cfg)
	return s, s.run()
}

// BenchmarkRun measures generation speed in lines written per second (all formats),
// at the default volume and at five times it, where file creation weighs less.
func BenchmarkRun(b *testing.B) {
	for _, rate := range []float64{1, 5} {
		b.Run("rate="+strconv.FormatFloat(rate, 'g', -1, 64), func(b *testing.B) {
			dir := b.TempDir()
			cfg := Config{Workloads: 60, Hours: 12, Seed: 1, Rate: rate}
			lines, i := 0, 0
			for b.Loop() {
				// A fresh directory each time: rewriting files in place makes ext4 flush
				// them (auto_da_alloc), which measures the disk rather than the simulator.
				i++
				cfg.Out = filepath.Join(dir, strconv.Itoa(i))
				truth := run(b, cfg)
				lines = 0
				for _, f := range truth.Files {
					lines += f.Lines
				}
			}
			b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
