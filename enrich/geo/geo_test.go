package geo

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// needBundled skips a test when the bundled data has not been fetched, unless
// WEIR_REQUIRE_GEO=1 (set by make test) makes that a failure.
func needBundled(t testing.TB) {
	t.Helper()
	if Bundled() {
		return
	}
	msg := "bundled geo data absent from enrich/geo/data (run: bash scripts/fetch-geo.sh)"
	if os.Getenv("WEIR_REQUIRE_GEO") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func TestLookupBundled(t *testing.T) {
	needBundled(t)
	db, err := New(DefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ip          string
		country     string
		asn         uint32
		nameContain string
	}{
		{"8.8.8.8", "US", 15169, "Google"},
		{"::ffff:8.8.8.8", "US", 15169, "Google"},
		{"2001:4860:4860::8888", "US", 15169, "Google"},
		{"1.1.1.1", "", 13335, "Cloudflare"},
		{"9.9.9.9", "", 19281, "Quad9"},
	}
	for _, tt := range tests {
		got := db.Lookup(netip.MustParseAddr(tt.ip))
		if (tt.country != "" && got.Country != tt.country) || got.Country == "" ||
			got.ASN != tt.asn || !strings.Contains(got.ASName, tt.nameContain) {
			t.Errorf("Lookup(%s) = %+v, want country %q AS%d %q", tt.ip, got, tt.country, tt.asn, tt.nameContain)
		}
		// A second lookup comes from the cache and must agree.
		if again := db.Lookup(netip.MustParseAddr(tt.ip)); again != got {
			t.Errorf("Lookup(%s) again = %+v, want %+v", tt.ip, again, got)
		}
	}
}

func TestPrivateIsEmpty(t *testing.T) {
	db, err := New(DefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "127.0.0.1",
		"169.254.169.254", "fd00::1", "fe80::1", "::1", "224.0.0.1", "0.0.0.0", "::"} {
		if got := db.Lookup(netip.MustParseAddr(s)); got != (Info{}) {
			t.Errorf("Lookup(%s) = %+v, want empty", s, got)
		}
	}
	if got := db.Lookup(netip.Addr{}); got != (Info{}) {
		t.Errorf("Lookup(invalid) = %+v, want empty", got)
	}
}

func TestConfiguredPaths(t *testing.T) {
	needBundled(t)
	// The bundled file read by path stands in for a user's database.
	db, err := New(Configuration{CountryDB: bundledCountryFile, CacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	if got := db.Lookup(netip.MustParseAddr("8.8.8.8")); got.Country != "US" || got.ASN != 15169 {
		t.Errorf("Lookup(8.8.8.8) = %+v, want US AS15169", got)
	}
	// An ASN database without AS fields answers no AS but still a country.
	db, err = New(Configuration{ASNDB: bundledCountryFile})
	if err != nil {
		t.Fatal(err)
	}
	if got := db.Lookup(netip.MustParseAddr("8.8.8.8")); got != (Info{Country: "US"}) {
		t.Errorf("Lookup(8.8.8.8) with a country file as ASN db = %+v, want only US", got)
	}
}

func TestConfiguredPathErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.mmdb")
	notMMDB := filepath.Join(t.TempDir(), "bad.mmdb")
	if err := os.WriteFile(notMMDB, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []Configuration{{CountryDB: missing}, {ASNDB: missing}, {CountryDB: notMMDB}} {
		_, err := New(cfg)
		path := cfg.CountryDB + cfg.ASNDB
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("New(%+v) error = %v, want one naming %s", cfg, err, path)
		}
	}
}

func TestParseRecord(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		want record
	}{
		{"geolite2 country", map[string]any{
			"country":            map[string]any{"iso_code": "DE", "names": map[string]any{"en": "Germany"}},
			"registered_country": map[string]any{"iso_code": "FR"},
		}, record{country: "DE"}},
		{"registered only", map[string]any{"registered_country": map[string]any{"iso_code": "fr"}}, record{country: "FR"}},
		{"geolite2 asn", map[string]any{"autonomous_system_number": uint64(15169), "autonomous_system_organization": "GOOGLE"},
			record{asn: 15169, asName: "GOOGLE"}},
		{"ipinfo lite", map[string]any{"country_code": "US", "country": "United States", "asn": "AS13335", "as_name": "Cloudflare, Inc."},
			record{country: "US", asn: 13335, asName: "Cloudflare, Inc."}},
		{"ip-location-db", map[string]any{"country_code": "JP"}, record{country: "JP"}},
		{"flat country code", map[string]any{"country": "NL"}, record{country: "NL"}},
		{"asn as uint32", map[string]any{"asn": uint32(64500), "name": "X"}, record{asn: 64500, asName: "X"}},
		{"bad asn", map[string]any{"asn": "ASxyz"}, record{}},
		{"empty", map[string]any{}, record{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(parseRecord(tt.in), tt.want, cmp.AllowUnexported(record{})); diff != "" {
			t.Errorf("%s: parseRecord() (-got, +want):\n%s", tt.name, diff)
		}
	}
}

func TestRangePrefixes(t *testing.T) {
	tests := []struct {
		start, end string
		want       string
	}{
		{"1.0.0.0", "1.0.0.255", "1.0.0.0/24"},
		{"1.0.4.0", "1.0.7.255", "1.0.4.0/22"},
		{"10.0.0.1", "10.0.0.6", "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32"},
		{"10.0.0.7", "10.0.0.7", "10.0.0.7/32"},
		{"0.0.0.0", "255.255.255.255", "0.0.0.0/0"},
		{"255.255.255.254", "255.255.255.255", "255.255.255.254/31"},
		{"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0"},
		{"2001:db8::", "2001:db8:0:ffff:ffff:ffff:ffff:ffff", "2001:db8::/48"},
		// Across the 64-bit halves of the address.
		{"2001:db8:0:0:ffff:ffff:ffff:ffff", "2001:db8:0:1::", "2001:db8::ffff:ffff:ffff:ffff/128 2001:db8:0:1::/128"},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range rangePrefixes(netip.MustParseAddr(tt.start), netip.MustParseAddr(tt.end)) {
			got = append(got, p.String())
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("rangePrefixes(%s, %s) = %s, want %s", tt.start, tt.end, s, tt.want)
		}
	}
}

func TestASNCSV(t *testing.T) {
	f, err := os.Open("testdata/asn.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tbl := newASNTable()
	if err := tbl.readCSV(f); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ip   string
		asn  uint32
		name string
	}{
		{"198.51.100.7", 64500, "Example Net"},
		{"203.0.113.1", 64501, `Example, "Quoted" Inc.`},
		{"203.0.113.6", 64501, `Example, "Quoted" Inc.`},
		{"203.0.113.7", 0, ""},
		{"203.0.113.0", 0, ""},
		{"2001:db8:0:ffff::1", 64502, "Example Six"},
		{"2001:db8:1::1", 0, ""},
	}
	for _, tt := range tests {
		asn, name, _ := tbl.lookup(netip.MustParseAddr(tt.ip))
		if asn != tt.asn || name != tt.name {
			t.Errorf("lookup(%s) = %d %q, want %d %q", tt.ip, asn, name, tt.asn, tt.name)
		}
	}
	for _, bad := range []string{
		"1.0.0.0,1.0.0.255\n",
		"1.0.0.0,1.0.0.x,5,n\n",
		"1.0.0.9,1.0.0.1,5,n\n",
		"1.0.0.0,::1,5,n\n",
		"1.0.0.0,1.0.0.1,AS5,n\n",
	} {
		err := newASNTable().readCSV(strings.NewReader("2.0.0.0,2.0.0.1,1,ok\n" + bad))
		if err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("readCSV(%q) error = %v, want one at line 2", bad, err)
		}
	}
}

func TestConcurrentLookups(t *testing.T) {
	needBundled(t)
	db, err := New(Configuration{CacheSize: 64}) // small: goroutines evict each other
	if err != nil {
		t.Fatal(err)
	}
	ips := workingSet(512)
	want := make([]Info, len(ips))
	for i, ip := range ips {
		want[i] = db.lookup(ip)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 20000; n++ {
				i := (n*7 + g) % len(ips)
				if got := db.Lookup(ips[i]); got != want[i] {
					errs <- fmt.Sprintf("Lookup(%s) = %+v, want %+v", ips[i], got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestCountryCentroid(t *testing.T) {
	tests := []struct {
		cc       string
		lat, lon float64
		ok       bool
	}{
		{"US", 37.09024, -95.712891, true},
		{"DE", 51.165691, 10.451526, true},
		{"AU", -25.274398, 133.775136, true},
		{"us", 0, 0, false},
		{"ZZ", 0, 0, false},
	}
	for _, tt := range tests {
		lat, lon, ok := CountryCentroid(tt.cc)
		if lat != tt.lat || lon != tt.lon || ok != tt.ok {
			t.Errorf("CountryCentroid(%q) = %v %v %v, want %v %v %v", tt.cc, lat, lon, ok, tt.lat, tt.lon, tt.ok)
		}
	}
	for cc, c := range countryCentroids {
		if len(cc) != 2 || c[0] < -90 || c[0] > 90 || c[1] < -180 || c[1] > 180 {
			t.Errorf("centroid %s = %v is out of range", cc, c)
		}
	}
}

// TestASNBuild reports the cost of building the bundled ASN table.
func TestASNBuild(t *testing.T) {
	needBundled(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	tbl, err := loadBundledASN()
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("ASN table: %d prefixes (%d IPv4, %d IPv6), %d AS entries, built in %v, heap %.1f MB",
		tbl.t.Size(), tbl.t.Size4(), tbl.t.Size6(), len(tbl.ases), took, float64(after.HeapAlloc-before.HeapAlloc)/(1<<20))
	if tbl.t.Size() < 100_000 {
		t.Errorf("only %d prefixes", tbl.t.Size())
	}
	runtime.KeepAlive(tbl)
}

// workingSet returns n public addresses spread over the address space.
func workingSet(n int) []netip.Addr {
	out := make([]netip.Addr, 0, n)
	for i := 0; len(out) < n; i++ {
		a := netip.AddrFrom4([4]byte{byte(1 + i*37%222), byte(i * 13), byte(i * 7), byte(i)})
		if public(a) {
			out = append(out, a)
		}
	}
	return out
}

// BenchmarkLookupHot is the flow case: a working set of addresses seen again and
// again, answered from the cache.
func BenchmarkLookupHot(b *testing.B) {
	needBundled(b)
	db, err := New(DefaultConfiguration())
	if err != nil {
		b.Fatal(err)
	}
	ips := workingSet(4096)
	for _, ip := range ips {
		db.Lookup(ip)
	}
	n := 0
	for b.Loop() {
		db.Lookup(ips[n&4095])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkLookupUncached is every lookup missing the cache: the mmdb tree walk
// plus the ASN trie.
func BenchmarkLookupUncached(b *testing.B) {
	needBundled(b)
	db, err := New(Configuration{CacheSize: -1})
	if err != nil {
		b.Fatal(err)
	}
	ips := workingSet(4096)
	n := 0
	for b.Loop() {
		db.Lookup(ips[n&4095])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}
