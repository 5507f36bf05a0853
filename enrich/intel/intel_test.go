package intel

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
)

func td(name string) string { return filepath.Join("testdata", name) }

// allFeeds loads every testdata feed, in this order (which orders Threat.Feeds).
func allFeeds(t testing.TB) *Intel {
	t.Helper()
	in, err := Load([]Feed{
		{Path: td("plain.txt")},
		{Path: td("firehol_level1.netset")},
		{Path: td("ipblocklist.csv")},
		{Path: td("ipblocklist.json"), Name: "feodo-json"},
		{Path: td("urlhaus.csv")},
		{Path: td("threatfox.csv")},
		{Path: td("drop.txt")},
		{Path: td("drop_v4.json")},
		{Path: td("drop_v6.json")},
		{Path: td("stix-bundle.json"), Name: "cert"},
		{Path: td("iocs.csv"), Name: "cases", Category: "ignored-when-rows-have-one", Confidence: 30},
	})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestLookupIP(t *testing.T) {
	in := allFeeds(t)
	tests := []struct {
		ip   string
		want flow.Threat
	}{
		// Listed as a host by five feeds and inside networks of three more: all
		// named, highest confidence (the STIX 95), the first feed's category.
		{"198.51.100.7", flow.Threat{Feeds: "plain,firehol_level1,ipblocklist,feodo-json,drop,cert,cases", Category: "blocklist", Confidence: 95}},
		{"198.51.100.8", flow.Threat{Feeds: "firehol_level1,drop,cases", Category: "attacks", Confidence: 90}},
		{"198.51.100.200", flow.Threat{Feeds: "firehol_level1,drop", Category: "attacks", Confidence: 90}},
		{"198.51.7.7", flow.Threat{Feeds: "drop", Category: "drop", Confidence: 90}},
		{"203.0.113.9", flow.Threat{Feeds: "plain,firehol_level1", Category: "blocklist", Confidence: 60}},
		{"203.0.113.77", flow.Threat{Feeds: "plain,urlhaus", Category: "blocklist", Confidence: 80}},
		{"203.0.113.130", flow.Threat{Feeds: "plain,cert", Category: "blocklist", Confidence: 60}},
		{"1.10.17.1", flow.Threat{Feeds: "firehol_level1,drop,drop_v4", Category: "attacks", Confidence: 90}},
		{"192.0.2.66", flow.Threat{Feeds: "threatfox", Category: "c2", Confidence: 100}},
		{"192.0.2.200", flow.Threat{Feeds: "ipblocklist", Category: "c2", Confidence: 90}},
		{"192.0.2.10", flow.Threat{Feeds: "cases", Category: "scanner", Confidence: 70}},
		{"203.0.113.200", flow.Threat{Feeds: "plain,cert,cases", Category: "blocklist", Confidence: 90}},
		{"::ffff:192.0.2.55", flow.Threat{Feeds: "plain", Category: "blocklist", Confidence: 50}},
		{"2001:db8:c2::10", flow.Threat{Feeds: "feodo-json", Category: "c2", Confidence: 90}},
		{"2001:db8:dead:1::1", flow.Threat{Feeds: "drop_v6", Category: "drop", Confidence: 90}},
		{"2001:db8:bad:ffff::1", flow.Threat{Feeds: "plain", Category: "blocklist", Confidence: 50}},
		{"2001:db8:ee::1", flow.Threat{Feeds: "cert", Category: "anonymization", Confidence: 60}},
		{"192.0.2.1", flow.Threat{}},  // revoked STIX indicator
		{"192.0.2.11", flow.Threat{}}, // bad line
		{"8.8.8.8", flow.Threat{}},
		{"2001:db8::1", flow.Threat{}},
	}
	for _, tt := range tests {
		got := in.LookupIP(netip.MustParseAddr(tt.ip))
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("LookupIP(%s) (-got, +want):\n%s", tt.ip, diff)
		}
	}
}

func TestLookupDomain(t *testing.T) {
	in := allFeeds(t)
	tests := []struct {
		domain string
		want   flow.Threat
	}{
		{"evil.example", flow.Threat{Feeds: "plain,cert", Category: "blocklist", Confidence: 50}},
		{"WWW.Evil.Example.", flow.Threat{Feeds: "plain,cert", Category: "blocklist", Confidence: 50}},
		{"cdn.evil.example", flow.Threat{Feeds: "plain,cert,cases", Category: "blocklist", Confidence: 50}},
		{"x.cdn.evil.example", flow.Threat{Feeds: "plain,cert,cases", Category: "blocklist", Confidence: 50}},
		{"login.phish.example", flow.Threat{Feeds: "cert", Category: "phishing", Confidence: 50}},
		{"phish.example", flow.Threat{}},
		{"notevil.example", flow.Threat{}},
		{"c2.threat.example", flow.Threat{Feeds: "threatfox", Category: "c2", Confidence: 75}},
		{"drop.threat.example", flow.Threat{}}, // its line has a bad confidence_level
		{"payload.bad.example", flow.Threat{Feeds: "urlhaus", Category: "malware-distribution", Confidence: 80}},
		{"example", flow.Threat{}},
		{"", flow.Threat{}},
	}
	for _, tt := range tests {
		got := in.LookupDomain(tt.domain)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("LookupDomain(%q) (-got, +want):\n%s", tt.domain, diff)
		}
	}
}

func TestFeedDefaults(t *testing.T) {
	in, err := Load([]Feed{{Path: td("plain.txt"), Name: "soc", Category: "scanner", Confidence: 80}})
	if err != nil {
		t.Fatal(err)
	}
	want := flow.Threat{Feeds: "soc", Category: "scanner", Confidence: 80}
	if got := in.LookupIP(netip.MustParseAddr("203.0.113.1")); got != want {
		t.Errorf("LookupIP = %+v, want %+v", got, want)
	}
}

func TestSharedStrings(t *testing.T) {
	in := allFeeds(t)
	a := in.LookupIP(netip.MustParseAddr("198.51.100.200"))
	b := in.LookupIP(netip.MustParseAddr("198.51.100.201"))
	if a.Feeds != b.Feeds || a.Feeds == "" {
		t.Fatalf("different threats %+v %+v", a, b)
	}
	if unsafeData(a.Feeds) != unsafeData(b.Feeds) {
		t.Error("two addresses of one entry return different strings")
	}
	for _, ip := range []string{"198.51.100.7", "8.8.8.8", "::ffff:192.0.2.55"} {
		addr := netip.MustParseAddr(ip)
		if n := testing.AllocsPerRun(100, func() { in.LookupIP(addr) }); n != 0 {
			t.Errorf("LookupIP(%s) allocates %v times", ip, n)
		}
	}
	for _, d := range []string{"x.cdn.evil.example", "WWW.EVIL.EXAMPLE", "www.example.org"} {
		if n := testing.AllocsPerRun(100, func() { in.LookupDomain(d) }); n != 0 {
			t.Errorf("LookupDomain(%s) allocates %v times", d, n)
		}
	}
}

func TestReport(t *testing.T) {
	in := allFeeds(t)
	r := in.Report()
	if len(r.Feeds) != 11 {
		t.Fatalf("%d feed reports, want 11", len(r.Feeds))
	}
	if got, want := r.Bad(), 10; got != want {
		t.Errorf("Bad() = %d, want %d\n%s", got, want, r)
	}
	plain := r.Feeds[0]
	want := FeedReport{Name: "plain", Path: td("plain.txt"), Format: FormatPlain, IPs: 4, Domains: 1, Bad: 2, Errors: []string{
		td("plain.txt") + `:9: "not" is not an IP address, CIDR or domain`,
		td("plain.txt") + `:10: "10.0.0.300" is not an IP address, CIDR or domain`,
	}}
	if diff := cmp.Diff(plain, want); diff != "" {
		t.Errorf("plain report (-got, +want):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	unknown := filepath.Join(dir, "x.json")
	if err := os.WriteFile(unknown, []byte(`{"a":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		feeds []Feed
		want  string
	}{
		{"missing", []Feed{{Path: filepath.Join(dir, "nope.txt")}}, "open threat feed"},
		{"same name", []Feed{{Path: td("ipblocklist.csv")}, {Path: td("ipblocklist.json")}}, `same name "ipblocklist"`},
		{"unknown format", []Feed{{Path: unknown}}, "not a threat-intel format"},
		{"confidence", []Feed{{Path: td("plain.txt"), Confidence: 101}}, "confidence 101"},
	}
	for _, tt := range tests {
		_, err := Load(tt.feeds)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Load() error = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "watched.txt")
	if err := os.WriteFile(path, []byte("192.0.2.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := Load([]Feed{{Path: path}, {Path: td("drop.txt")}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); in.Watch(ctx, 10*time.Millisecond, nil) }()
	defer func() { cancel(); <-done }()

	if err := os.WriteFile(path, []byte("192.0.2.2\n192.0.2.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Bump the time too: a rewrite within the file system's timestamp
	// granularity with the same size would otherwise look unchanged.
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !in.LookupIP(netip.MustParseAddr("192.0.2.2")).Listed() {
		if time.Now().After(deadline) {
			t.Fatal("the rewritten feed was not reloaded within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if in.LookupIP(netip.MustParseAddr("192.0.2.1")).Listed() {
		t.Error("an address removed from the feed is still listed")
	}
	if !in.LookupIP(netip.MustParseAddr("1.10.16.1")).Listed() {
		t.Error("the unchanged feed lost its entries")
	}
	// A feed that disappears keeps its entries.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if in.reload(discard()) {
		t.Error("reload swapped the tables for a missing file")
	}
	if !in.LookupIP(netip.MustParseAddr("192.0.2.3")).Listed() {
		t.Error("a missing feed lost its entries")
	}
}

// TestConcurrentReload reads while the tables are swapped; run with -race.
func TestConcurrentReload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(path, []byte("192.0.2.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := Load([]Feed{{Path: path}})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		addr := netip.MustParseAddr("192.0.2.1")
		for {
			select {
			case <-stop:
				return
			default:
				if !in.LookupIP(addr).Listed() {
					t.Error("lookup during reload missed a listed address")
					return
				}
			}
		}
	}()
	for i := range 20 {
		data := fmt.Sprintf("192.0.2.1\n198.51.100.%d\n", i)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		in.stats[0].size = -1 // force: the size may not change
		in.reload(discard())
	}
	close(stop)
	<-done
}

func BenchmarkLookupIP(b *testing.B) {
	// A FireHOL-sized feed: 50k hosts and 5k networks, plus a DROP-like one.
	dir := b.TempDir()
	var sb strings.Builder
	for i := range 50_000 {
		fmt.Fprintf(&sb, "%d.%d.%d.%d\n", 11+i%200, (i/200)%256, i%256, (i*7)%256)
	}
	for i := range 5_000 {
		fmt.Fprintf(&sb, "%d.%d.0.0/16\n", 20+i%180, i%256)
	}
	path := filepath.Join(dir, "big.netset")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	in, err := Load([]Feed{{Path: path}, {Path: td("drop.txt")}})
	if err != nil {
		b.Fatal(err)
	}
	ips := make([]netip.Addr, 4096)
	for i := range ips {
		ips[i] = netip.AddrFrom4([4]byte{byte(11 + i%240), byte(i * 13), byte(i * 7), byte(i)})
	}
	n := 0
	for b.Loop() {
		in.LookupIP(ips[n%len(ips)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}

func BenchmarkLookupDomain(b *testing.B) {
	in := allFeeds(b)
	domains := []string{"x.cdn.evil.example", "www.example.org", "api.service.internal.example.com"}
	n := 0
	for b.Loop() {
		in.LookupDomain(domains[n%len(domains)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}
