package netflow

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/internal/testutil"
)

// specContext is one context of expected-from-logstash-spec.json: the payloads the
// logstash codec's spec decodes in order, how many events it expects, and the
// events it compares (often just one of them).
type specContext struct {
	Context string   `json:"context"`
	Files   []string `json:"input_files_in_order"`
	Count   *int     `json:"expected_decode_count"`
	Events  []struct {
		Netflow map[string]any `json:"netflow"`
	} `json:"expected_events"`
}

// expectedFlow is an event's flow fields, named either the v5/v9 way (logstash's
// names) or the IPFIX way.
type expectedFlow struct {
	Src, Dst         string
	SrcPort, DstPort uint16
	Proto            uint8
	Bytes, Packets   uint64
	TCPFlags         uint16
	Start, End       time.Time // from absolute millisecond fields, zero when absent
}

func num(m map[string]any, keys ...string) (uint64, bool) {
	for _, k := range keys {
		if v, ok := m[k].(float64); ok {
			return uint64(v), true
		}
	}
	return 0, false
}

func str(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if v, ok := m[k].(string); ok {
			return v
		}
	}
	return ""
}

// expected reads an event; ok is false for an options record (no addresses).
func expected(m map[string]any, sysInit uint64) (e expectedFlow, ok bool) {
	e.Src = str(m, "ipv4_src_addr", "ipv6_src_addr", "sourceIPv4Address", "sourceIPv6Address")
	e.Dst = str(m, "ipv4_dst_addr", "ipv6_dst_addr", "destinationIPv4Address", "destinationIPv6Address")
	if e.Src == "" || e.Dst == "" {
		return e, false
	}
	v, _ := num(m, "l4_src_port", "sourceTransportPort")
	e.SrcPort = uint16(v)
	v, _ = num(m, "l4_dst_port", "destinationTransportPort")
	e.DstPort = uint16(v)
	v, _ = num(m, "protocol", "protocolIdentifier")
	e.Proto = uint8(v)
	e.Bytes, _ = num(m, "in_bytes", "octetDeltaCount", "in_permanent_bytes")
	e.Packets, _ = num(m, "in_pkts", "packetDeltaCount")
	v, _ = num(m, "tcp_flags", "tcpControlBits")
	e.TCPFlags = uint16(v)
	if ms, ok := num(m, "flow_start_msec"); ok {
		e.Start = time.UnixMilli(int64(ms)).UTC()
	}
	if ms, ok := num(m, "event_time_msec"); ok {
		e.End = time.UnixMilli(int64(ms)).UTC()
	}
	if up, ok := num(m, "flowStartSysUpTime"); ok && sysInit != 0 {
		e.Start = time.UnixMilli(int64(sysInit + up)).UTC()
	}
	if up, ok := num(m, "flowEndSysUpTime"); ok && sysInit != 0 {
		e.End = time.UnixMilli(int64(sysInit + up)).UTC()
	}
	return e, true
}

func got(r *flow.Record, withTimes bool) expectedFlow {
	e := expectedFlow{
		Src: r.SrcIP.String(), Dst: r.DstIP.String(), SrcPort: r.SrcPort, DstPort: r.DstPort,
		Proto: r.Proto, Bytes: r.Bytes, Packets: r.Packets, TCPFlags: r.TCPFlags,
	}
	if withTimes {
		e.Start, e.End = r.Start, r.End
	}
	return e
}

// TestConformance decodes the real exporters' payloads (logstash-codec-netflow's
// spec, see SOURCE.txt there) in the spec's order and checks the number of flows and
// each expected event's fields. Each .dat is given to Packet whole, as the spec
// gives it to the codec: one UDP payload, extra bytes after it ignored.
func TestConformance(t *testing.T) {
	dir := testutil.SharedFormats(t, "netflow")
	raw, err := os.ReadFile(filepath.Join(dir, "expected-from-logstash-spec.json"))
	if err != nil {
		t.Fatal(err)
	}
	var contexts []specContext
	if err := json.Unmarshal(raw, &contexts); err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddrPort("198.51.100.1:2055")
	ran := 0
	for _, c := range contexts {
		payloads, ok := readAll(dir, c.Files)
		if !ok {
			continue // the folder holds 6 of the spec's 91 files
		}
		ran++
		t.Run(c.Context, func(t *testing.T) {
			d := NewDecoder(ingest.Options{Now: testNow})
			var recs []flow.Record
			for i, p := range payloads {
				if err := d.Packet(addr, p, func(r *flow.Record) { recs = append(recs, *r) }); err != nil {
					t.Errorf("Packet(%s) = %v", c.Files[i], err)
				}
			}
			// Options records are events to logstash, state to weir.
			var sysInit uint64
			var want []expectedFlow
			options := 0
			for _, ev := range c.Events {
				if v, ok := num(ev.Netflow, "systemInitTimeMilliseconds"); ok {
					sysInit = v
				}
			}
			for _, ev := range c.Events {
				e, ok := expected(ev.Netflow, sysInit)
				if !ok {
					options++
					continue
				}
				want = append(want, e)
			}
			if c.Count != nil && len(c.Events) == *c.Count {
				if len(recs) != *c.Count-options {
					t.Errorf("decoded %d flows, want %d events less %d options records", len(recs), *c.Count, options)
				}
			} else if c.Count != nil && len(recs) != *c.Count {
				t.Errorf("decoded %d flows, want %d", len(recs), *c.Count)
			}
			for _, w := range want {
				withTimes := !w.Start.IsZero()
				if !contains(recs, w, withTimes) {
					t.Errorf("no decoded flow matches %+v; decoded:\n%v", w, testutil.Rows(recs))
				}
			}
			for i := range recs {
				r := &recs[i]
				if r.Format != FormatNetFlow || r.Exporter != "netflow/198.51.100.1/0" || r.Flows != 1 || r.Cloud != "onprem" || r.End.Before(r.Start) {
					t.Errorf("record %d breaks the contract: %+v", i, testutil.Rows(recs[i:i+1]))
				}
			}
		})
	}
	if ran < 3 {
		t.Errorf("ran %d contexts, want the 3 whose files are present", ran)
	}
}

// TestConformanceMikrotik decodes the RouterOS template and the first of the two
// data packets of the spec's "IPFIX Mikrotik" context (the second is not in the
// folder), and checks the context's first expected event, which is in it.
func TestConformanceMikrotik(t *testing.T) {
	dir := testutil.SharedFormats(t, "netflow")
	payloads, ok := readAll(dir, []string{"ipfix_test_mikrotik_tpl.dat", "ipfix_test_mikrotik_data258.dat"})
	if !ok {
		t.Fatal("Mikrotik samples missing")
	}
	recs, err := decodeAll(t, payloads...)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 28 {
		t.Errorf("decoded %d flows, want the 28 records of set 258", len(recs))
	}
	want := expectedFlow{Src: "10.10.8.197", Dst: "192.168.128.17", SrcPort: 123, DstPort: 123, Proto: 17, Bytes: 152, Packets: 2}
	if len(recs) == 0 || !cmp.Equal(got(&recs[0], false), want) {
		t.Errorf("first flow (-got, +want):\n%s", cmp.Diff(got(&recs[0], false), want))
	}
	// RouterOS sends *SysUpTime without systemInitTimeMilliseconds: flows end at the
	// export time (2017-07-19T16:18:08Z) and keep their duration.
	if at := time.Date(2017, 7, 19, 16, 18, 8, 0, time.UTC); !recs[0].End.Equal(at) {
		t.Errorf("first flow ends %v, want the export time %v", recs[0].End, at)
	}
}

// TestConformanceFile reads netflow5.dat, which holds several v5 payloads back to
// back, with the FileDecoder.
func TestConformanceFile(t *testing.T) {
	dir := testutil.SharedFormats(t, "netflow")
	f, err := os.Open(filepath.Join(dir, "netflow5.dat"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, errs := readFile(t, NewFileDecoder(f, ingest.Options{Now: testNow}))
	if len(errs) != 0 {
		t.Errorf("FileDecoder errors: %v", errs)
	}
	if len(recs) != 30 {
		t.Errorf("read %d flows, want 30 (1728 bytes of v5 payloads)", len(recs))
	}
	if want := (expectedFlow{Src: "10.0.2.2", Dst: "10.0.2.15", SrcPort: 54435, DstPort: 22, Proto: 6, Bytes: 230, Packets: 5, TCPFlags: 16}); len(recs) == 0 || got(&recs[0], false) != want {
		t.Errorf("first flow = %+v, want %+v", recs[0], want)
	}
}

func contains(recs []flow.Record, w expectedFlow, withTimes bool) bool {
	for i := range recs {
		if got(&recs[i], withTimes) == w {
			return true
		}
	}
	return false
}

func readAll(dir string, names []string) ([][]byte, bool) {
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, false
		}
		out = append(out, b)
	}
	return out, true
}
