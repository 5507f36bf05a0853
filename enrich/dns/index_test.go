package dns

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/ingest"
)

var t0 = time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func obs(ip, domain string, when time.Duration, ttl time.Duration, source string) ingest.DNSObservation {
	return ingest.DNSObservation{Time: at(when), IP: netip.MustParseAddr(ip), Domain: domain, TTL: ttl, Source: source}
}

func newIndex(t testing.TB, cfg Configuration) *Index {
	t.Helper()
	x, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestLookup(t *testing.T) {
	const ip = "203.0.113.10"
	adds := []ingest.DNSObservation{
		obs(ip, "a.example", 0, 60*time.Second, "zeek-dns"),
		obs(ip, "b.example", 2*time.Hour, 0, "zeek-ssl"),
		obs(ip, "B.Example.", 2*time.Hour+10*time.Minute, 0, "zeek-ssl"), // same run, normalized
		obs(ip, "long.example", 5*time.Hour, 48*time.Hour, "route53"),    // capped at the ceiling
		obs(ip, "short.example", 6*time.Hour, 30*time.Second, "zeek-dns"),
		obs("2001:db8::7", "v6.example", 0, 2*time.Hour, "zeek-dns"),
		obs("::ffff:198.51.100.1", "mapped.example", 0, 0, "zeek-dns"),
	}
	tests := []struct {
		name   string
		ip     string
		when   time.Duration
		want   string
		wantOK bool
	}{
		{"before anything", ip, -time.Second, "", false},
		{"at the observation", ip, 0, "a.example", true},
		{"short TTL lifted to the floor", ip, 59 * time.Minute, "a.example", true},
		{"floor ran out", ip, 61 * time.Minute, "", false},
		{"newer domain wins", ip, 2*time.Hour + 5*time.Minute, "b.example", true},
		{"run extended by the later observation", ip, 3*time.Hour + 5*time.Minute, "b.example", true},
		{"run expired", ip, 3*time.Hour + 11*time.Minute, "", false},
		{"long TTL", ip, 5*time.Hour + time.Minute, "long.example", true},
		{"closest before t", ip, 6*time.Hour + time.Minute, "short.example", true},
		{"newest expired, an older one still holds", ip, 7*time.Hour + time.Minute, "long.example", true},
		{"ceiling reached", ip, 29*time.Hour + time.Minute, "", false},
		{"ipv6", "2001:db8::7", time.Hour, "v6.example", true},
		{"ipv6 TTL above floor", "2001:db8::7", 110 * time.Minute, "v6.example", true},
		{"mapped stored unmapped", "198.51.100.1", time.Minute, "mapped.example", true},
		{"mapped lookup", "::ffff:198.51.100.1", time.Minute, "mapped.example", true},
		{"unknown ip", "192.0.2.1", time.Minute, "", false},
	}
	x := newIndex(t, DefaultConfiguration())
	for _, o := range adds {
		x.Add(o)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := x.Lookup(netip.MustParseAddr(tt.ip), at(tt.when))
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Lookup(%s, t0+%s) = %q, %v; want %q, %v", tt.ip, tt.when, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestOutOfOrder(t *testing.T) {
	const ip = "203.0.113.20"
	x := newIndex(t, DefaultConfiguration())
	x.Add(obs(ip, "a.example", 0, 0, "zeek-dns"))
	x.Add(obs(ip, "a.example", 40*time.Minute, 0, "zeek-dns"))
	x.Add(obs(ip, "c.example", 50*time.Minute, 0, "zeek-dns"))
	x.Add(obs(ip, "b.example", 20*time.Minute, 0, "zeek-dns"))  // late, inside a.example's run
	x.Add(obs(ip, "z.example", -10*time.Minute, 0, "zeek-dns")) // late, before everything
	for _, tt := range []struct {
		when time.Duration
		want string
	}{
		{-5 * time.Minute, "z.example"},
		{10 * time.Minute, "a.example"},
		{25 * time.Minute, "b.example"},
		{45 * time.Minute, "a.example"},
		{55 * time.Minute, "c.example"},
	} {
		if got, _ := x.Lookup(netip.MustParseAddr(ip), at(tt.when)); got != tt.want {
			t.Errorf("Lookup(t0+%s) = %q, want %q", tt.when, got, tt.want)
		}
	}
}

func TestMaxPerIP(t *testing.T) {
	cfg := DefaultConfiguration()
	cfg.MaxPerIP = 3
	x := newIndex(t, cfg)
	for i := range 10 {
		x.Add(obs("203.0.113.30", fmt.Sprintf("d%d.example", i), time.Duration(i)*time.Minute, 0, "zeek-ssl"))
	}
	if n := x.Len(); n != 3 {
		t.Errorf("Len() = %d, want 3", n)
	}
	if got, ok := x.Lookup(netip.MustParseAddr("203.0.113.30"), at(5*time.Minute+30*time.Second)); ok {
		t.Errorf("Lookup of an evicted run = %q, want none", got)
	}
	if got, _ := x.Lookup(netip.MustParseAddr("203.0.113.30"), at(9*time.Minute)); got != "d9.example" {
		t.Errorf("Lookup = %q, want d9.example", got)
	}
}

func TestPrune(t *testing.T) {
	x := newIndex(t, DefaultConfiguration())
	x.Add(obs("203.0.113.1", "old.example", 0, 0, "zeek-dns"))
	x.Add(obs("203.0.113.2", "mid.example", 10*time.Hour, 0, "zeek-dns"))
	x.Add(obs("203.0.113.3", "new.example", 30*time.Hour, 0, "zeek-dns"))
	if n := x.Prune(); n != 1 {
		t.Errorf("Prune() = %d, want 1", n)
	}
	if _, ok := x.Lookup(netip.MustParseAddr("203.0.113.1"), at(time.Minute)); ok {
		t.Error("old.example survived Prune")
	}
	if got, _ := x.Lookup(netip.MustParseAddr("203.0.113.2"), at(10*time.Hour+time.Minute)); got != "mid.example" {
		t.Errorf("mid.example lost by Prune: %q", got)
	}
	if got := x.Newest(); !got.Equal(at(30 * time.Hour)) {
		t.Errorf("Newest() = %s", got)
	}
}

func TestSnapshotRestore(t *testing.T) {
	x := newIndex(t, DefaultConfiguration())
	in := []ingest.DNSObservation{
		obs("203.0.113.1", "a.example", 0, 5*time.Minute, "zeek-dns"),
		obs("203.0.113.1", "a.example", 30*time.Minute, 5*time.Minute, "zeek-dns"),
		obs("203.0.113.1", "b.example", time.Hour, 3*time.Hour, "zeek-ssl"),
		obs("2001:db8::1", "c.example", 0, 0, "route53"),
	}
	for _, o := range in {
		x.Add(o)
	}
	snap := x.Snapshot()
	want := []ingest.DNSObservation{
		obs("203.0.113.1", "a.example", 0, time.Hour, "zeek-dns"),
		obs("2001:db8::1", "c.example", 0, time.Hour, "route53"),
		obs("203.0.113.1", "a.example", 30*time.Minute, time.Hour, "zeek-dns"),
		obs("203.0.113.1", "b.example", time.Hour, 3*time.Hour, "zeek-ssl"),
	}
	if diff := cmp.Diff(snap, want, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("Snapshot() (-got, +want):\n%s", diff)
	}
	y := newIndex(t, DefaultConfiguration())
	y.Restore(snap)
	if diff := cmp.Diff(y.Snapshot(), snap, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("Snapshot after Restore (-got, +want):\n%s", diff)
	}
	for _, when := range []time.Duration{0, 45 * time.Minute, 2 * time.Hour, 4*time.Hour - time.Second, 5 * time.Hour} {
		for _, ip := range []string{"203.0.113.1", "2001:db8::1"} {
			a, aok := x.Lookup(netip.MustParseAddr(ip), at(when))
			b, bok := y.Lookup(netip.MustParseAddr(ip), at(when))
			if a != b || aok != bok {
				t.Errorf("Lookup(%s, t0+%s): original %q, restored %q", ip, when, a, b)
			}
		}
	}
}

func TestConfiguration(t *testing.T) {
	for _, cfg := range []Configuration{
		{Floor: 2 * time.Hour, Ceiling: time.Hour, MaxPerIP: 1},
		{Floor: time.Hour, Ceiling: -time.Hour, MaxPerIP: 1},
		{Floor: time.Hour, Ceiling: 2 * time.Hour, MaxPerIP: -1},
		{Floor: 48 * time.Hour}, // above the default ceiling
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// TestConcurrent runs Lookup while Add and Prune run; under -race it checks the locking.
func TestConcurrent(t *testing.T) {
	x := newIndex(t, DefaultConfiguration())
	ips := testIPs(256)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 20000 {
			x.Add(ingest.DNSObservation{Time: at(time.Duration(i) * time.Second), IP: ips[i%len(ips)], Domain: "d.example", Source: "zeek-dns"})
			if i%5000 == 0 {
				x.Prune()
			}
		}
	})
	for range 2 {
		wg.Go(func() {
			for i := range 20000 {
				x.Lookup(ips[i%len(ips)], at(time.Duration(i)*time.Second))
			}
		})
	}
	wg.Wait()
	if got, ok := x.Lookup(ips[19999%len(ips)], at(19999*time.Second)); !ok || got != "d.example" {
		t.Errorf("Lookup after the writes = %q, %v", got, ok)
	}
}

func TestLookupNoAlloc(t *testing.T) {
	x := newIndex(t, DefaultConfiguration())
	x.Add(obs("203.0.113.1", "a.example", 0, 0, "zeek-dns"))
	ip := netip.MustParseAddr("203.0.113.1")
	if n := testing.AllocsPerRun(100, func() { x.Lookup(ip, at(time.Minute)) }); n != 0 {
		t.Errorf("Lookup allocates %v times", n)
	}
}

func testIPs(n int) []netip.Addr {
	ips := make([]netip.Addr, n)
	for i := range ips {
		ips[i] = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
	}
	return ips
}

// fill adds 100k addresses with 4 domains each over a day.
func fill(b *testing.B) (*Index, []netip.Addr) {
	x := newIndex(b, DefaultConfiguration())
	ips := testIPs(100_000)
	for k := range 4 {
		for i, ip := range ips {
			x.Add(ingest.DNSObservation{Time: at(time.Duration(k)*6*time.Hour + time.Duration(i)*time.Millisecond),
				IP: ip, Domain: fmt.Sprintf("host%d.d%d.example", i%1000, k), TTL: 5 * time.Minute, Source: "zeek-dns"})
		}
	}
	return x, ips
}

func BenchmarkLookup(b *testing.B) {
	x, ips := fill(b)
	when := at(13 * time.Hour)
	n := 0
	for b.Loop() {
		x.Lookup(ips[(n*7919)%len(ips)], when)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkLookupWhileAdd measures Lookup from every core while a writer adds.
func BenchmarkLookupWhileAdd(b *testing.B) {
	x, ips := fill(b)
	when := at(13 * time.Hour)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			x.Add(ingest.DNSObservation{Time: at(20*time.Hour + time.Duration(i)*time.Microsecond), IP: ips[i%len(ips)], Domain: "new.example", Source: "zeek-ssl"})
		}
	}()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			x.Lookup(ips[(n*7919)%len(ips)], when)
			n++
		}
	})
	b.StopTimer()
	close(stop)
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}
