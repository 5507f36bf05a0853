package inventory

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var wantWorkloads = []*Workload{
	{
		Name: "CRM-Prod-DB1", Kind: "Virtual Machine",
		IPs:   []netip.Addr{netip.MustParseAddr("10.68.1.88")},
		Cloud: "azure", Account: "6ce15ab6-8bcb-4e4f-9b1c-0d2c5f1e2a77", Region: "eastus",
		Labels: map[string]string{"role": "db", "app": "crm", "env": "prod", "loc": "eastus"},
		Role:   "db", App: "crm", Env: "prod", Loc: "eastus",
	},
	{
		Name: "web-1", Kind: "EC2 Instance",
		IPs:   []netip.Addr{netip.MustParseAddr("172.31.5.10"), netip.MustParseAddr("172.31.5.11")},
		Cloud: "aws", Account: "123456789012", Region: "us-east-1",
		Instances: []string{"i-0abc1234def567890"},
		Labels:    map[string]string{"role": "web", "app": "shop", "env": "1"},
		Role:      "web", App: "shop", Env: "1", Loc: "us-east-1",
	},
	{
		Name: "fileserver", Kind: "Physical Server",
		IPs:    []netip.Addr{netip.MustParseAddr("fd00:1::5"), netip.MustParseAddr("192.168.10.5")},
		Cloud:  "onprem",
		Labels: map[string]string{"role": "file"},
		Role:   "file",
	},
}

var wantNetworks = []Network{
	{Prefix: netip.MustParsePrefix("10.68.0.0/16"), Zone: "Internal Azure", Cloud: "azure", Region: "eastus"},
	{Prefix: netip.MustParsePrefix("10.68.4.0/22"), Zone: "Internal Azure", Cloud: "azure", Region: "eastus2"},
	{Prefix: netip.MustParsePrefix("172.31.0.0/16"), Cloud: "aws", Region: "us-east-1"},
	{Prefix: netip.MustParsePrefix("fd00:1::/48"), Cloud: "onprem"},
}

var addrCmp = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })
var prefixCmp = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

func TestLoadFormats(t *testing.T) {
	tests := []struct {
		file         string
		wantNetworks []Network
	}{
		{"estate.yaml", wantNetworks},
		{"estate.json", wantNetworks},
		{"estate.csv", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			inv, err := Load(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(inv.Workloads, wantWorkloads, addrCmp, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Workloads (-got, +want):\n%s", diff)
			}
			if diff := cmp.Diff(inv.Networks, tt.wantNetworks, prefixCmp, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Networks (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestLookups(t *testing.T) {
	inv, err := Load("testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	name := func(w *Workload) string {
		if w == nil {
			return ""
		}
		return w.Name
	}
	ipTests := []struct{ ip, want string }{
		{"10.68.1.88", "CRM-Prod-DB1"},
		{"::ffff:10.68.1.88", "CRM-Prod-DB1"}, // IPv4-mapped form, as some logs write it
		{"172.31.5.11", "web-1"},
		{"fd00:1::5", "fileserver"},
		{"10.68.1.89", ""},
	}
	for _, tt := range ipTests {
		if got := name(inv.ByIP(netip.MustParseAddr(tt.ip))); got != tt.want {
			t.Errorf("ByIP(%s) = %q, want %q", tt.ip, got, tt.want)
		}
	}
	idTests := []struct{ id, want string }{
		{"i-0abc1234def567890", "web-1"},
		{"I-0ABC1234DEF567890", "web-1"},
		{"CRM-Prod-DB1", "CRM-Prod-DB1"},
		{"crm-prod-db1", "CRM-Prod-DB1"}, // Azure logs upper-case VM names, others lower-case them
		{"i-0000000000000000", ""},
		{"", ""},
	}
	for _, tt := range idTests {
		if got := name(inv.ByInstance(tt.id)); got != tt.want {
			t.Errorf("ByInstance(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
	if got := name(inv.ByName("web-1")); got != "web-1" {
		t.Errorf("ByName(web-1) = %q", got)
	}
	if got := inv.ByName("WEB-1"); got != nil {
		t.Errorf("ByName(WEB-1) = %q, want nil (names are exact)", got.Name)
	}
	netTests := []struct {
		ip     string
		want   string // prefix, "" for none
		region string
	}{
		{"10.68.1.88", "10.68.0.0/16", "eastus"},
		{"10.68.5.1", "10.68.4.0/22", "eastus2"}, // longest prefix wins
		{"172.31.200.1", "172.31.0.0/16", "us-east-1"},
		{"fd00:1:0:9::1", "fd00:1::/48", ""},
		{"10.69.0.1", "", ""},
		{"8.8.8.8", "", ""},
	}
	for _, tt := range netTests {
		n, ok := inv.Network(netip.MustParseAddr(tt.ip))
		got := ""
		if ok {
			got = n.Prefix.String()
		}
		if got != tt.want || n.Region != tt.region {
			t.Errorf("Network(%s) = %q %q, want %q %q", tt.ip, got, n.Region, tt.want, tt.region)
		}
	}
	var nilInv *Inventory
	if nilInv.ByIP(netip.MustParseAddr("10.0.0.1")) != nil || nilInv.ByInstance("x") != nil {
		t.Error("a nil Inventory must answer nil")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, ext, text string
		want            []string // substrings of the error
	}{
		{"duplicate ip", ".yaml", `workloads:
  - name: a
    ips: [10.0.0.1]
  - name: b
    ips: [10.0.0.2, 10.0.0.1]
`, []string{"line 5", `workload "b"`, "10.0.0.1", `also in workload "a"`, "line 2"}},
		{"bad cidr", ".yaml", `networks:
  - {cidr: 10.0.0.0/33}
`, []string{"line 2", "bad cidr", "10.0.0.0/33"}},
		{"host bits", ".yaml", `networks:
  - cidr: 10.0.0.1/8
`, []string{"host bits", "10.0.0.0/8"}},
		{"duplicate network", ".yaml", `networks:
  - cidr: 10.0.0.0/8
  - cidr: 10.0.0.0/8
`, []string{"line 3", "listed twice"}},
		{"bad ip", ".json", `{"workloads": [
  {"name": "a", "ips": ["10.0.0.300"]}
]}`, []string{"line 2", "bad ip", "10.0.0.300"}},
		{"unknown key", ".yaml", `workloads:
  - name: a
    ip: [10.0.0.1]
`, []string{"[3:5]", "ip"}},
		{"no name", ".yaml", `workloads:
  - kind: VM
`, []string{"line 2", "no name"}},
		{"duplicate name", ".yaml", `workloads:
  - name: a
  - name: a
`, []string{"line 3", "listed twice"}},
		{"duplicate instance", ".yaml", `workloads:
  - {name: a, instances: [i-1]}
  - {name: b, instances: [i-1]}
`, []string{"line 3", `instance "i-1"`}},
		{"csv bad ip", ".csv", "name,ips\na,10.0.0.1\nb,nope\n", []string{"line 3", "bad ip"}},
		{"csv bad labels", ".csv", "name,labels\na,role\n", []string{"line 2", "key=value"}},
		{"csv no name column", ".csv", "host,ips\na,10.0.0.1\n", []string{"no name column"}},
		{"csv ragged", ".csv", "name,ips\na,10.0.0.1,extra\n", []string{"line 2"}},
		{"extension", ".txt", "", []string{"unknown extension"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "inv"+tt.ext)
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load() succeeded, want an error")
			}
			want := append([]string{path}, tt.want...)
			for _, w := range want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml")); err == nil {
		t.Fatal("Load() of a missing file succeeded")
	}
}

func BenchmarkLookups(b *testing.B) {
	inv, err := Load("testdata/estate.yaml")
	if err != nil {
		b.Fatal(err)
	}
	ips := []netip.Addr{netip.MustParseAddr("10.68.1.88"), netip.MustParseAddr("10.68.5.1"), netip.MustParseAddr("8.8.8.8")}
	n := 0
	for b.Loop() {
		ip := ips[n%len(ips)]
		_ = inv.ByIP(ip)
		_, _ = inv.Network(ip)
		_ = inv.ByInstance("i-0abc1234def567890")
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}
