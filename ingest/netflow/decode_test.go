package netflow

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/internal/testutil"
)

var (
	testNow  = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	exporter = netip.MustParseAddrPort("192.0.2.9:40000")
	export   = uint32(time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC).Unix())
)

// decodeAll feeds payloads, in order, to one Decoder and returns the records and
// the last error.
func decodeAll(t testing.TB, payloads ...[]byte) ([]flow.Record, error) {
	t.Helper()
	d := NewDecoder(ingest.Options{Now: testNow})
	var recs []flow.Record
	var last error
	for _, p := range payloads {
		if err := d.Packet(exporter, p, func(r *flow.Record) { recs = append(recs, *r) }); err != nil {
			last = err
		}
	}
	return recs, last
}

func TestPacket(t *testing.T) {
	tpl := ipfixTemplateSet(256, ipfixFields)
	startMs := uint64(export)*1000 - 30_000
	tests := []struct {
		name     string
		payloads [][]byte
		want     []testutil.Row
	}{{
		name: "v5 with uptime wrap and sampling",
		payloads: [][]byte{buildV5(5_000, export, 250_000_000, 3, 0x4000|10,
			v5Flow{src: "10.0.0.1", dst: "10.0.0.2", sport: 50000, dport: 445, proto: 6, flags: 0x1b, packets: 10, octets: 1500, first: 0xffffff00, last: 4_000})},
		want: []testutil.Row{{
			Start: "2025-06-30T11:59:54.994Z", End: "2025-06-30T11:59:59.25Z",
			Src: "10.0.0.1", Dst: "10.0.0.2", SrcPort: 50000, DstPort: 445, Proto: "tcp", TCPFlags: 0x1b,
			Bytes: 15000, Packets: 100, Flows: 1, Action: "allow", Format: "netflow", Exporter: "netflow/192.0.2.9/3", Cloud: "onprem",
		}},
	}, {
		name: "IPFIX template then data in two messages",
		payloads: [][]byte{ipfixMessage(export, 7, tpl), ipfixMessage(export, 7, ipfixDataSet(256,
			ipfixFlow{src: "192.168.1.5", dst: "203.0.113.7", sport: 61000, dport: 443, proto: 6, flags: 0x12, octets: 123456, packets: 90, startMs: startMs, endMs: startMs + 1500},
			ipfixFlow{src: "192.168.1.5", dst: "198.51.100.53", sport: 5353, dport: 53, proto: 17, octets: 80, packets: 1, startMs: startMs, endMs: startMs}))},
		want: []testutil.Row{{
			Start: "2025-06-30T11:59:30Z", End: "2025-06-30T11:59:31.5Z",
			Src: "192.168.1.5", Dst: "203.0.113.7", SrcPort: 61000, DstPort: 443, Proto: "tcp", TCPFlags: 0x12,
			Bytes: 123456, Packets: 90, Flows: 1, Action: "allow", Format: "netflow", Exporter: "netflow/192.0.2.9/7", Cloud: "onprem",
		}, {
			Start: "2025-06-30T11:59:30Z", End: "2025-06-30T11:59:30Z",
			Src: "192.168.1.5", Dst: "198.51.100.53", SrcPort: 5353, DstPort: 53, Proto: "udp",
			Bytes: 80, Packets: 1, Flows: 1, Action: "allow", Format: "netflow", Exporter: "netflow/192.0.2.9/7", Cloud: "onprem",
		}},
	}, {
		name: "v9 IPv6 with a denied firewall event",
		payloads: [][]byte{v9Packet(100_000, export, 42, v9TemplateSet(300, v9Fields), v9DataSet(300,
			v9Flow{src: "2001:db8::1", dst: "2001:db8::2", sport: 40000, dport: 3389, proto: 6, octets: 0, pkts: 0, first: 99_000, last: 99_500, fwEvent: 3},
			v9Flow{src: "2001:db8::1", dst: "2001:db8::3", sport: 40001, dport: 22, proto: 6, octets: 5000, pkts: 12, first: 90_000, last: 95_000, fwEvent: 2}))},
		want: []testutil.Row{{
			Start: "2025-06-30T11:59:59Z", End: "2025-06-30T11:59:59.5Z",
			Src: "2001:db8::1", Dst: "2001:db8::2", SrcPort: 40000, DstPort: 3389, Proto: "tcp",
			Flows: 1, Action: "deny", Format: "netflow", Exporter: "netflow/192.0.2.9/42", Cloud: "onprem",
		}, {
			Start: "2025-06-30T11:59:50Z", End: "2025-06-30T11:59:55Z",
			Src: "2001:db8::1", Dst: "2001:db8::3", SrcPort: 40001, DstPort: 22, Proto: "tcp",
			Bytes: 5000, Packets: 12, Flows: 1, Action: "allow", Format: "netflow", Exporter: "netflow/192.0.2.9/42", Cloud: "onprem",
		}},
	}, {
		name: "sFlow raw headers scaled by the sampling rate",
		payloads: [][]byte{sflowDatagram("192.0.2.50", 2,
			sflowSample{rate: 512, frameLen: 1518, header: ethIPv4TCP("10.1.1.1", "10.2.2.2", 49152, 445, 0x18)},
			sflowSample{rate: 1000, frameLen: 90, header: ethIPv6UDP("2001:db8::a", "2001:db8::b", 5000, 53), expanded: true})},
		want: []testutil.Row{{
			Start: "2025-07-01T00:00:00Z", End: "2025-07-01T00:00:00Z",
			Src: "10.1.1.1", Dst: "10.2.2.2", SrcPort: 49152, DstPort: 445, Proto: "tcp", TCPFlags: 0x18,
			Bytes: 1518 * 512, Packets: 512, Flows: 1, Action: "allow", Format: "sflow", Exporter: "sflow/192.0.2.50/2", Cloud: "onprem",
		}, {
			Start: "2025-07-01T00:00:00Z", End: "2025-07-01T00:00:00Z",
			Src: "2001:db8::a", Dst: "2001:db8::b", SrcPort: 5000, DstPort: 53, Proto: "udp",
			Bytes: 90 * 1000, Packets: 1000, Flows: 1, Action: "allow", Format: "sflow", Exporter: "sflow/192.0.2.50/2", Cloud: "onprem",
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := decodeAll(t, tt.payloads...)
			if err != nil {
				t.Fatalf("Packet() = %v", err)
			}
			if diff := cmp.Diff(testutil.Rows(recs), tt.want); diff != "" {
				t.Errorf("Packet() (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestPacketRejects(t *testing.T) {
	good := buildV5(5_000, export, 0, 0, 0, v5Flow{src: "10.0.0.1", dst: "10.0.0.2", proto: 17, first: 4000, last: 4500})
	data := ipfixMessage(export, 7, ipfixDataSet(256, ipfixFlow{src: "10.0.0.1", dst: "10.0.0.2", startMs: uint64(export) * 1000, endMs: uint64(export) * 1000}))
	badSet := v9Packet(1000, export, 1, buf{}.u16(0).u16(2))
	withdraw := ipfixMessage(export, 7, buf{}.u16(2).u16(8).u16(256).u16(0))
	tests := []struct {
		name      string
		payloads  [][]byte
		reason    string
		wantFlows int
	}{
		{"empty", [][]byte{{}}, "truncated", 0},
		{"version 7", [][]byte{{0, 7, 0, 1, 0, 0, 0, 0}}, "bad version", 0},
		{"v5 cut short", [][]byte{good[:len(good)-1]}, "truncated", 0},
		{"v5 no records", [][]byte{buildV5(5_000, export, 0, 0, 0)}, "bad header", 0},
		{"IPFIX data before its template", [][]byte{data}, "unknown template", 0},
		{"IPFIX template of another domain", [][]byte{ipfixMessage(export, 8, ipfixTemplateSet(256, ipfixFields)), data}, "unknown template", 0},
		{"IPFIX template withdrawn", [][]byte{ipfixMessage(export, 7, ipfixTemplateSet(256, ipfixFields)), withdraw, data}, "unknown template", 0},
		{"IPFIX template kept", [][]byte{ipfixMessage(export, 7, ipfixTemplateSet(256, ipfixFields)), data}, "", 1},
		{"IPFIX length past payload", [][]byte{data[:len(data)-4]}, "truncated", 0},
		{"v9 set length 2", [][]byte{badSet}, "bad set", 0},
		{"v5 time in 1970", [][]byte{buildV5(5_000, 1000, 0, 0, 0, v5Flow{src: "10.0.0.1", dst: "10.0.0.2"})}, "bad time", 0},
		{"sFlow agent type 3", [][]byte{buf{}.u32(5).u32(3).u32(0)}, "bad header", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := decodeAll(t, tt.payloads...)
			var re *ingest.RecordError
			switch {
			case tt.reason == "" && err != nil:
				t.Fatalf("Packet() = %v, want nil", err)
			case tt.reason != "" && !errors.As(err, &re):
				t.Fatalf("Packet() = %v, want a *ingest.RecordError", err)
			case tt.reason != "" && re.Reason != tt.reason:
				t.Errorf("Packet() reason = %q (%v), want %q", re.Reason, err, tt.reason)
			}
			if len(recs) != tt.wantFlows {
				t.Errorf("Packet() emitted %d flows, want %d", len(recs), tt.wantFlows)
			}
		})
	}
}

// TestTemplatesPerExporter checks that a template is only used for the exporter
// that announced it.
func TestTemplatesPerExporter(t *testing.T) {
	d := NewDecoder(ingest.Options{Now: testNow})
	other := netip.MustParseAddrPort("192.0.2.10:40000")
	n := 0
	emit := func(*flow.Record) { n++ }
	if err := d.Packet(exporter, ipfixMessage(export, 7, ipfixTemplateSet(256, ipfixFields)), emit); err != nil {
		t.Fatal(err)
	}
	data := ipfixMessage(export, 7, ipfixDataSet(256, ipfixFlow{src: "10.0.0.1", dst: "10.0.0.2", startMs: uint64(export) * 1000, endMs: uint64(export) * 1000}))
	if err := d.Packet(other, data, emit); err == nil || n != 0 {
		t.Errorf("data from another exporter: err %v, %d flows; want unknown template, 0 flows", err, n)
	}
	// The exporter's source port may change between packets; its templates stay.
	if err := d.Packet(netip.AddrPortFrom(exporter.Addr(), 1), data, emit); err != nil || n != 1 {
		t.Errorf("data from the exporter: err %v, %d flows; want nil, 1 flow", err, n)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name      string
		head      []byte
		want, sfl bool
	}{
		{"v5", buildV5(1, export, 0, 0, 0, v5Flow{src: "10.0.0.1", dst: "10.0.0.2"}), true, false},
		{"v9", v9Packet(1, export, 0, v9TemplateSet(300, v9Fields)), true, false},
		{"IPFIX", ipfixMessage(export, 0, ipfixTemplateSet(256, ipfixFields)), true, false},
		{"sFlow", sflowDatagram("192.0.2.1", 0), false, true},
		{"JSON", []byte(`{"version":5}`), false, false},
		{"v9 bad set id", v9Packet(1, export, 0, buf{}.u16(77).u16(4)), false, false},
		{"short", []byte{0, 5}, false, false},
	}
	for _, tt := range tests {
		if got := Detect(tt.head); got != tt.want {
			t.Errorf("Detect(%s) = %v, want %v", tt.name, got, tt.want)
		}
		if got := DetectSFlow(tt.head); got != tt.sfl {
			t.Errorf("DetectSFlow(%s) = %v, want %v", tt.name, got, tt.sfl)
		}
	}
}
