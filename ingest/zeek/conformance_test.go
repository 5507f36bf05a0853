package zeek

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/internal/testutil"
)

// TestConformance decodes the real conn.log JSON edge cases (elastic/integrations,
// see SOURCE.txt there: an ISO 8601 ts, ICMP, records without duration or bytes, a
// tcp record with port 0) and checks every record against the line read
// independently with encoding/json.
func TestConformance(t *testing.T) {
	path := filepath.Join(testutil.SharedFormats(t, "zeek"), "conn-json-edge-cases.log")
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, rejects := decodeConn(t, path, in)
	if len(rejects) > 0 {
		t.Errorf("rejects: %q", rejects)
	}
	if format, ok := Detect(in); format != FormatConn || !ok {
		t.Errorf("Detect() = %q, %v; want %q", format, ok, FormatConn)
	}

	var want []flow.Record
	sc := bufio.NewScanner(bytes.NewReader(in))
	for sc.Scan() {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		want = append(want, expectedConn(t, m))
	}
	if len(want) != 18 {
		t.Fatalf("sample has %d records, want 18", len(want))
	}
	if diff := cmp.Diff(testutil.Rows(got), testutil.Rows(want)); diff != "" {
		t.Errorf("decoded sample (-got, +want):\n%s", diff)
	}
}

// expectedConn builds the record a conn.log JSON object stands for, following the
// mapping in the package's documentation.
func expectedConn(t *testing.T, m map[string]any) flow.Record {
	t.Helper()
	count := func(key string) uint64 {
		n, ok := m[key].(json.Number)
		if !ok {
			return 0 // absent: zero
		}
		v, err := strconv.ParseUint(n.String(), 10, 64)
		if err != nil {
			t.Fatalf("sample %s %q: %v", key, n, err)
		}
		return v
	}
	r := flow.Record{
		SrcIP: netip.MustParseAddr(m["id.orig_h"].(string)), DstIP: netip.MustParseAddr(m["id.resp_h"].(string)),
		SrcPort: uint16(count("id.orig_p")), DstPort: uint16(count("id.resp_p")),
		Bytes: count("orig_bytes"), BytesRev: count("resp_bytes"),
		Packets: count("orig_pkts"), PacketsRev: count("resp_pkts"),
		Flows: 1, Action: flow.Allow, Format: FormatConn, Cloud: "onprem", Exporter: "zeek/conn-json-edge-cases",
	}
	r.Proto, _ = flow.ProtoNumber(m["proto"].(string))
	if m["conn_state"] == "REJ" {
		r.Action = flow.Deny
	}
	switch ts := m["ts"].(type) {
	case json.Number:
		r.Start = time.Unix(0, decimalNanos(t, ts.String())).UTC()
	case string:
		var err error
		if r.Start, err = time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Fatal(err)
		}
	}
	r.End = r.Start
	if d, ok := m["duration"].(json.Number); ok {
		r.End = r.Start.Add(time.Duration(decimalNanos(t, d.String())))
	}
	return r
}

// decimalNanos converts decimal seconds to nanoseconds without going through a float.
func decimalNanos(t *testing.T, s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "000000000")[:9]
	sec, err1 := strconv.ParseInt(whole, 10, 64)
	ns, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("sample number %q", s)
	}
	return sec*1e9 + ns
}
