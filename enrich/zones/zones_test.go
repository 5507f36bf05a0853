package zones

import (
	"bytes"
	"compress/gzip"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/valyala/fastjson"

	"github.com/weirhq/weir/enrich/inventory"
	"github.com/weirhq/weir/internal/testutil"
)

func loadInventory(t testing.TB) *inventory.Inventory {
	t.Helper()
	inv, err := inventory.Load("testdata/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// The bundled snapshot: these facts are from the vendors' files in data/.
func TestLookupBundled(t *testing.T) {
	z, err := New(DefaultConfiguration(), loadInventory(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ip   string
		want Info
	}{
		// AWS 52.216.0.0/15 is listed as AMAZON and as S3 in us-east-1: S3 wins.
		{"52.216.10.1", Info{Zone: "AWS", Cloud: "aws", Region: "us-east-1", Service: "S3"}},
		{"52.94.76.5", Info{Zone: "AWS", Cloud: "aws", Region: "us-west-2"}},
		{"2a05:d07a:a000::1", Info{Zone: "AWS", Cloud: "aws", Region: "eu-south-1", Service: "S3"}},
		{"34.35.1.1", Info{Zone: "GCP", Cloud: "gcp", Region: "africa-south1"}},
		{"::ffff:34.35.1.1", Info{Zone: "GCP", Cloud: "gcp", Region: "africa-south1"}},
		// Azure 20.60.134.0/23 is in Storage.EastUS, AzureCloud.eastus and Storage.
		{"20.60.134.5", Info{Zone: "Azure", Cloud: "azure", Region: "eastus", Service: "Storage"}},
		{"13.69.104.5", Info{Zone: "Azure", Cloud: "azure", Region: "westeurope", Service: "Sql"}},
		{"150.136.1.1", Info{Zone: "OCI", Cloud: "oci", Region: "us-ashburn-1"}},
		{"104.131.1.1", Info{Zone: "DigitalOcean", Cloud: "digitalocean"}},
		{"45.33.1.1", Info{Zone: "Linode", Cloud: "linode"}},
		// The estate.
		{"10.68.1.5", Info{Zone: "Internal Azure", Cloud: "azure", Region: "eastus", Internal: true}},
		{"10.68.1.88", Info{Zone: "Internal Azure", Cloud: "azure", Region: "eastus", Internal: true}},
		{"10.20.3.4", Info{Zone: "Internal AWS", Cloud: "aws", Region: "eu-west-1", Internal: true}},
		{"192.168.50.7", Info{Zone: "Internal", Cloud: "onprem", Internal: true}},
		{"52.216.10.99", Info{Zone: "Internal AWS", Cloud: "aws", Region: "us-east-1", Internal: true}}, // a workload's public address
		{"10.1.2.3", Info{Zone: "Internal", Internal: true}},
		{"172.20.0.1", Info{Zone: "Internal", Internal: true}},
		{"100.64.1.1", Info{Zone: "Internal", Internal: true}},
		{"127.0.0.1", Info{Zone: "Internal", Internal: true}},
		{"169.254.169.254", Info{Zone: "Internal", Internal: true}},
		{"fd12:3456::1", Info{Zone: "Internal", Internal: true}},
		{"fe80::1", Info{Zone: "Internal", Internal: true}},
		{"8.8.8.8", Info{Zone: "Internet"}},
		{"1.1.1.1", Info{Zone: "Internet"}},
		{"2001:4860:4860::8888", Info{Zone: "Internet"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(z.Lookup(netip.MustParseAddr(tt.ip)), tt.want); diff != "" {
			t.Errorf("Lookup(%s) (-got, +want):\n%s", tt.ip, diff)
		}
	}
	if got := z.Lookup(netip.Addr{}); got != (Info{}) {
		t.Errorf("Lookup(invalid) = %+v, want zero", got)
	}
}

func TestNilInventory(t *testing.T) {
	z, err := New(Configuration{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := z.Lookup(netip.MustParseAddr("10.68.1.5")).Zone; got != "Internal" {
		t.Errorf("Lookup(10.68.1.5) without inventory = %q, want Internal", got)
	}
}

// Configured files, one per vendor format, replace the bundled ones; vendors not
// named keep the bundled snapshot.
func TestLookupConfiguredPaths(t *testing.T) {
	dir := t.TempDir()
	gz := filepath.Join(dir, "azure.json.gz")
	writeGzip(t, gz, "testdata/azure.json")
	z, err := New(Configuration{Paths: map[string]string{
		"aws": "testdata/aws.json", "gcp": "testdata/gcp.json", "azure": gz,
		"oci": "testdata/oci.json", "digitalocean": "testdata/geofeed.csv",
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ip   string
		want Info
	}{
		{"198.51.100.1", Info{Zone: "AWS", Cloud: "aws", Region: "us-east-1", Service: "S3"}},
		{"198.51.100.200", Info{Zone: "AWS", Cloud: "aws", Service: "CLOUDFRONT"}},
		{"2001:db8:a::1", Info{Zone: "AWS", Cloud: "aws", Region: "eu-west-1", Service: "EC2"}},
		{"203.0.113.5", Info{Zone: "GCP", Cloud: "gcp", Region: "europe-west1"}},
		{"2001:db8:b::1", Info{Zone: "GCP", Cloud: "gcp", Region: "us-central1"}},
		{"192.0.2.1", Info{Zone: "Azure", Cloud: "azure", Region: "westeurope"}},
		{"192.0.2.70", Info{Zone: "Azure", Cloud: "azure", Region: "westeurope", Service: "Storage"}},
		{"203.0.113.130", Info{Zone: "OCI", Cloud: "oci", Region: "uk-london-1"}},
		{"203.0.113.200", Info{Zone: "OCI", Cloud: "oci", Region: "uk-london-1", Service: "OBJECT_STORAGE"}},
		{"203.0.113.230", Info{Zone: "DigitalOcean", Cloud: "digitalocean", Region: "NL-NH"}},
		{"203.0.113.240", Info{Zone: "DigitalOcean", Cloud: "digitalocean", Region: "DE"}},
		{"203.0.113.241", Info{Zone: "Internet"}},
		{"52.216.10.1", Info{Zone: "Internet"}},              // the bundled AWS file is replaced
		{"45.33.1.1", Info{Zone: "Linode", Cloud: "linode"}}, // Linode still bundled
	}
	for _, tt := range tests {
		if diff := cmp.Diff(z.Lookup(netip.MustParseAddr(tt.ip)), tt.want); diff != "" {
			t.Errorf("Lookup(%s) (-got, +want):\n%s", tt.ip, diff)
		}
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"prefixes": [{"ip_prefix": "10.0.0.0/40"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	badCSV := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(badCSV, []byte("# feed\n203.0.113.0/24,NL\nnot-a-prefix,DE\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		paths map[string]string
		want  []string
	}{
		{"unknown vendor", map[string]string{"alibaba": "x"}, []string{"unknown vendor", "alibaba", "digitalocean"}},
		{"missing file", map[string]string{"aws": filepath.Join(dir, "none.json")}, []string{"read aws ranges", "none.json"}},
		{"bad prefix", map[string]string{"aws": bad}, []string{"aws ranges", bad, "prefixes[0]", "10.0.0.0/40"}},
		{"bad geofeed", map[string]string{"linode": badCSV}, []string{"linode ranges", "line 3", "not-a-prefix"}},
		{"wrong format", map[string]string{"gcp": "testdata/aws.json"}, []string{"gcp ranges", "no ipv4Prefix"}},
		{"not json", map[string]string{"oci": "testdata/geofeed.csv"}, []string{"oci ranges"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Configuration{Paths: tt.paths}, nil)
			if err == nil {
				t.Fatal("New() succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestConformance checks the vendors' real files: every listed prefix's first
// address must land in that vendor's zone.
func TestConformance(t *testing.T) {
	dir := testutil.SharedFormats(t, "cloud-ip-ranges")
	z, err := New(Configuration{Paths: map[string]string{
		"aws":   filepath.Join(dir, "aws-ip-ranges.json"),
		"gcp":   filepath.Join(dir, "google-cloud-ip-ranges.json"),
		"azure": filepath.Join(dir, "microsoft-azure-ip-ranges.json"),
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	check := func(file, zone string, prefixes func(*fastjson.Value) []string) {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		v, err := fastjson.ParseBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		list := prefixes(v)
		if len(list) < 500 {
			t.Fatalf("%s: only %d prefixes read", file, len(list))
		}
		bad := 0
		for _, s := range list {
			p := netip.MustParsePrefix(s)
			if got := z.Lookup(p.Masked().Addr()); got.Zone != zone {
				if bad++; bad <= 5 {
					t.Errorf("%s: %s → %+v, want zone %s", file, s, got, zone)
				}
			}
		}
	}
	check("aws-ip-ranges.json", "AWS", func(v *fastjson.Value) (out []string) {
		for _, e := range v.GetArray("prefixes") {
			out = append(out, string(e.GetStringBytes("ip_prefix")))
		}
		for _, e := range v.GetArray("ipv6_prefixes") {
			out = append(out, string(e.GetStringBytes("ipv6_prefix")))
		}
		return out
	})
	check("google-cloud-ip-ranges.json", "GCP", func(v *fastjson.Value) (out []string) {
		for _, e := range v.GetArray("prefixes") {
			s := e.GetStringBytes("ipv4Prefix")
			if s == nil {
				s = e.GetStringBytes("ipv6Prefix")
			}
			out = append(out, string(s))
		}
		return out
	})
	check("microsoft-azure-ip-ranges.json", "Azure", func(v *fastjson.Value) (out []string) {
		for _, tag := range v.GetArray("values") {
			for _, a := range tag.GetArray("properties", "addressPrefixes") {
				out = append(out, string(a.GetStringBytes()))
			}
		}
		return out
	})
}

func TestBundledBuildTime(t *testing.T) {
	start := time.Now()
	if _, err := buildVendors(nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("bundled vendor table built in %v", time.Since(start))
}

func writeGzip(t *testing.T, dst, src string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkLookup(b *testing.B) {
	z, err := New(DefaultConfiguration(), loadInventory(b))
	if err != nil {
		b.Fatal(err)
	}
	ips := []netip.Addr{
		netip.MustParseAddr("52.216.10.1"), netip.MustParseAddr("20.60.134.5"), netip.MustParseAddr("34.35.1.1"),
		netip.MustParseAddr("10.68.1.5"), netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("2a05:d07a:a000::1"),
		netip.MustParseAddr("192.168.1.1"), netip.MustParseAddr("1.1.1.1"),
	}
	n := 0
	for b.Loop() {
		_ = z.Lookup(ips[n&7])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}

func BenchmarkBuildBundled(b *testing.B) {
	for b.Loop() {
		if _, err := buildVendors(nil); err != nil {
			b.Fatal(err)
		}
	}
}
