package services

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
)

func TestLookup(t *testing.T) {
	const tcp, udp = flow.ProtoTCP, flow.ProtoUDP
	tests := []struct {
		name     string
		proto    uint8
		src, dst uint16
		want     Service
		wantOK   bool
	}{
		{"smb request", tcp, 51234, 445, Service{"SMB", 445, tcp, flow.RiskHigh, CategoryLateral}, true},
		{"smb response record", tcp, 445, 51234, Service{"SMB", 445, tcp, flow.RiskHigh, CategoryLateral}, true},
		{"rdp udp", udp, 50000, 3389, Service{"RDP", 3389, udp, flow.RiskHigh, CategoryRemoteAccess}, true},
		{"vnc range end", tcp, 40000, 5903, Service{"VNC", 5903, tcp, flow.RiskHigh, CategoryRemoteAccess}, true},
		{"vnc past range", tcp, 40000, 5904, Service{}, false},
		{"rustdesk tcp", tcp, 40000, 21117, Service{"RustDesk", 21117, tcp, flow.RiskHigh, CategoryRemoteAccess}, true},
		{"rustdesk udp 21116", udp, 40000, 21116, Service{"RustDesk", 21116, udp, flow.RiskHigh, CategoryRemoteAccess}, true},
		{"rustdesk udp 21117 not", udp, 40000, 21117, Service{}, false},
		{"tftp udp only", tcp, 40000, 69, Service{Port: 69, Proto: tcp}, false},
		{"tftp", udp, 40000, 69, Service{"TFTP", 69, udp, flow.RiskHigh, CategoryFileTransfer}, true},
		{"dst wins over src", tcp, 3306, 22, Service{"SSH", 22, tcp, flow.RiskMedium, CategoryRemoteAccess}, true},
		{"syslog udp", udp, 514, 40000, Service{"Syslog", 514, udp, flow.RiskLow, CategoryInfrastructure}, true},
		{"rsh tcp 514", tcp, 1022, 514, Service{"rsh", 514, tcp, flow.RiskHigh, CategoryLegacy}, true},
		{"low unknown port", tcp, 40000, 999, Service{Port: 999, Proto: tcp}, false},
		{"low unknown src port", tcp, 998, 40000, Service{Port: 998, Proto: tcp}, false},
		{"two high ports", tcp, 40000, 40001, Service{}, false},
		{"icmp", flow.ProtoICMP, 0, 0, Service{}, false},
		{"https", tcp, 60000, 443, Service{"HTTPS", 443, tcp, flow.RiskLow, CategoryWeb}, true},
		{"quic", udp, 60000, 443, Service{"QUIC", 443, udp, flow.RiskLow, CategoryWeb}, true},
		{"ajp", tcp, 60000, 8009, Service{"AJP", 8009, tcp, flow.RiskHigh, CategoryWeb}, true},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := c.Lookup(tt.proto, tt.src, tt.dst)
			if ok != tt.wantOK {
				t.Errorf("Lookup() ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Lookup() (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	allowed := map[string]bool{CategoryLegacy: true, CategoryRemoteAccess: true, CategoryLateral: true,
		CategoryFileTransfer: true, CategoryDatabase: true, CategoryWeb: true, CategoryInfrastructure: true}
	seen := map[[2]int]string{}
	for _, s := range Default().Services() {
		if !allowed[s.Category] {
			t.Errorf("%s/%d %s: category %q not in the list", flow.ProtoName(s.Proto), s.Port, s.Name, s.Category)
		}
		if s.Risk == flow.RiskNone {
			t.Errorf("%s: no risk", s.Name)
		}
		seen[[2]int{int(s.Proto), int(s.Port)}] = s.Name
	}
	// A later default silently overriding an earlier one would be a mistake in the table.
	n := 0
	for _, e := range defaults {
		ranges, _ := parsePorts(string(e.Ports))
		for _, r := range ranges {
			n += int(r[1]-r[0]) + 1
			if e.Proto == "tcp/udp" {
				n += int(r[1]-r[0]) + 1
			}
		}
	}
	if n != len(seen) {
		t.Errorf("defaults name %d protocol/port pairs but the catalog holds %d: two entries share a port", n, len(seen))
	}
}

func TestLoadFile(t *testing.T) {
	c, err := LoadFile(filepath.Join("testdata", "extra.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		proto    uint8
		dst      uint16
		wantName string
		wantRisk flow.Risk
	}{
		{flow.ProtoTCP, 8088, "Splunk-HEC", flow.RiskMedium},
		{flow.ProtoTCP, 5905, "VNC-Lab", flow.RiskHigh},
		{flow.ProtoTCP, 5901, "VNC", flow.RiskHigh}, // defaults still there
		{flow.ProtoTCP, 8080, "HTTP-Internal", flow.RiskLow},
		{flow.ProtoUDP, 27021, "Game", flow.RiskLow},
		{flow.ProtoTCP, 27015, "Game", flow.RiskLow},
		{flow.ProtoTCP, 445, "SMB", flow.RiskHigh},
	}
	for _, tt := range tests {
		got, ok := c.Lookup(tt.proto, 50000, tt.dst)
		if !ok || got.Name != tt.wantName || got.Risk != tt.wantRisk {
			t.Errorf("Lookup(%d, %d) = %+v, %v; want %s %s", tt.proto, tt.dst, got, ok, tt.wantName, tt.wantRisk)
		}
	}
	if got, _ := Default().Lookup(flow.ProtoTCP, 50000, 8080); got.Name != "HTTP-Alt" {
		t.Errorf("LoadFile changed the shared defaults: 8080 is %q", got.Name)
	}
}

func TestLoadFileErrors(t *testing.T) {
	for file, want := range map[string]string{
		"bad-risk.yaml":  `risk "severe"`,
		"bad-ports.yaml": `port "70000"`,
		"missing.yaml":   "no such file",
	} {
		_, err := LoadFile(filepath.Join("testdata", file))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadFile(%s) error = %v, want it to mention %s", file, err, want)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	c := Default()
	ports := [][2]uint16{{51234, 445}, {443, 50001}, {40000, 40001}, {50000, 3389}, {60000, 999}}
	n := 0
	for b.Loop() {
		p := ports[n%len(ports)]
		c.Lookup(flow.ProtoTCP, p[0], p[1])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "flows/s")
}
