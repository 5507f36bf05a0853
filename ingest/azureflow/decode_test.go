package azureflow

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/internal/testutil"
)

// testNow is the clock the tests decode with: the day after the testdata's flows.
var testNow = time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)

// decodeAll reads every record of data, collecting rejected ones as error texts.
// It fails the test on a stream error or if the decoder does not end.
func decodeAll(t testing.TB, data []byte) ([]flow.Record, []string) {
	t.Helper()
	recs, errs, err := decodeReader(bytes.NewReader(data), len(data))
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return recs, errs
}

func decodeReader(rd io.Reader, size int) ([]flow.Record, []string, error) {
	d := NewDecoder(rd, ingest.Options{Now: testNow})
	var recs []flow.Record
	var errs []string
	// Each call consumes input or emits a tuple (at least 8 bytes of input), so
	// this many calls without io.EOF means the decoder is stuck.
	for range size + 10 {
		var r flow.Record
		err := d.Next(&r)
		switch {
		case err == nil:
			recs = append(recs, r)
		case err == io.EOF:
			return recs, errs, nil
		case ingest.IsRecordError(err):
			errs = append(errs, err.Error())
		default:
			return recs, errs, err
		}
	}
	return recs, errs, errors.New("decoder did not reach io.EOF")
}

// golden is what a golden file holds for one input.
type golden struct {
	Rows   []testutil.Row
	Errors []string `json:",omitempty"`
}

func TestDecodeGolden(t *testing.T) {
	for _, name := range []string{
		"vnet-blob.json",
		"vnet-lines.json",
		"vnet-bcce.json",
		"nsg-blob.json",
		"nsg-lines.json",
		"bad.json",
	} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			recs, errs := decodeAll(t, data)
			if len(recs) == 0 {
				t.Fatal("no records decoded")
			}
			got := testutil.JSON(t, golden{Rows: testutil.Rows(recs), Errors: errs})
			testutil.Golden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".json")+".golden.json"), got)
		})
	}
}

// TestCountingBCCE checks the counting rule: a connection logged as B, C, C, E
// tuples (in three records a minute apart) sums to its bytes and packets in both
// directions and counts as one flow.
func TestCountingBCCE(t *testing.T) {
	data, err := os.ReadFile("testdata/vnet-bcce.json")
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := decodeAll(t, data)
	if len(errs) > 0 {
		t.Fatalf("rejected: %v", errs)
	}
	type sum struct {
		Tuples                               int
		Flows                                uint32
		Bytes, BytesRev, Packets, PacketsRev uint64
	}
	var got sum
	for _, r := range recs {
		got.Tuples++
		got.Flows += r.Flows
		got.Bytes += r.Bytes
		got.BytesRev += r.BytesRev
		got.Packets += r.Packets
		got.PacketsRev += r.PacketsRev
	}
	want := sum{
		Tuples:     4,
		Flows:      1,
		Bytes:      12000 + 6000 + 500,
		BytesRev:   480000 + 240000 + 1200,
		Packets:    100 + 50 + 5,
		PacketsRev: 90 + 45 + 4,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("sums (-got, +want):\n%s", diff)
	}
}

func TestTupleFields(t *testing.T) {
	const sub = "6ce15ab6-8bcb-4e4f-9b1c-0d2c5f1e2a77"
	at := time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)
	vnet := func(tuple string) string {
		return `{"flowLogVersion":4,"macAddress":"000D3A1B2C3D","location":"westeurope",` +
			`"targetResourceID":"/subscriptions/` + sub + `/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub",` +
			`"flowRecords":{"flows":[{"flowGroups":[{"rule":"r","flowTuples":["` + tuple + `"]}]}]}}`
	}
	nsg := func(tuple string) string {
		return `{"resourceId":"/SUBSCRIPTIONS/` + strings.ToUpper(sub) + `/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/WEB-NSG",` +
			`"properties":{"Version":2,"flows":[{"rule":"r","flows":[{"mac":"000D3AF87856","flowTuples":["` + tuple + `"]}]}]}}`
	}
	base := func(r flow.Record) flow.Record {
		r.Start, r.End, r.Cloud, r.Account = at, at, "azure", sub
		return r
	}
	vnetRec := func(r flow.Record) flow.Record {
		r = base(r)
		r.Format, r.Exporter, r.Region, r.VPC = FormatVNet, "azure-vnet/"+sub+"/00-0D-3A-1B-2C-3D", "westeurope", "hub"
		return r
	}
	nsgRec := func(r flow.Record) flow.Record {
		r = base(r)
		r.Format, r.Exporter, r.VPC = FormatNSG, "azure-nsg/"+sub+"/WEB-NSG", "WEB-NSG"
		return r
	}
	tests := []struct {
		name  string
		input string
		want  flow.Record
	}{
		{
			name:  "vnet begin outbound",
			input: vnet("1741600800000,10.0.0.4,203.0.113.5,50000,443,6,O,B,NX,0,0,0,0"),
			want: vnetRec(flow.Record{
				SrcIP: addr("10.0.0.4"), DstIP: addr("203.0.113.5"), SrcPort: 50000, DstPort: 443, Proto: 6,
				Flows: 1, Action: flow.Allow, Reporter: flow.ReporterSrc, Src: flow.Side{Instance: "00-0D-3A-1B-2C-3D"},
			}),
		},
		{
			name:  "vnet end inbound counts both ways",
			input: vnet("1741600800000,198.51.100.1,10.0.0.4,40000,22,6,I,E,X,7,800,9,12000"),
			want: vnetRec(flow.Record{
				SrcIP: addr("198.51.100.1"), DstIP: addr("10.0.0.4"), SrcPort: 40000, DstPort: 22, Proto: 6,
				Packets: 7, Bytes: 800, PacketsRev: 9, BytesRev: 12000,
				Flows: 0, Action: flow.Allow, Reporter: flow.ReporterDst, Dst: flow.Side{Instance: "00-0D-3A-1B-2C-3D"},
			}),
		},
		{
			name:  "vnet denied",
			input: vnet("1741600800000,198.51.100.1,10.0.0.4,40000,3389,6,I,D,NX,0,0,0,0"),
			want: vnetRec(flow.Record{
				SrcIP: addr("198.51.100.1"), DstIP: addr("10.0.0.4"), SrcPort: 40000, DstPort: 3389, Proto: 6,
				Flows: 1, Action: flow.Deny, Reporter: flow.ReporterDst, Dst: flow.Side{Instance: "00-0D-3A-1B-2C-3D"},
			}),
		},
		{
			name:  "vnet ipv6 udp",
			input: vnet("1741600800000,fd00::4,2001:db8::53,5353,53,17,O,C,NX,1,80,1,120"),
			want: vnetRec(flow.Record{
				SrcIP: addr("fd00::4"), DstIP: addr("2001:db8::53"), SrcPort: 5353, DstPort: 53, Proto: 17,
				Packets: 1, Bytes: 80, PacketsRev: 1, BytesRev: 120,
				Action: flow.Allow, Reporter: flow.ReporterSrc, Src: flow.Side{Instance: "00-0D-3A-1B-2C-3D"},
			}),
		},
		{
			name:  "nsg begin with empty counters",
			input: nsg("1741600800,10.0.0.4,203.0.113.5,50000,443,T,O,A,B,,,,"),
			want: nsgRec(flow.Record{
				SrcIP: addr("10.0.0.4"), DstIP: addr("203.0.113.5"), SrcPort: 50000, DstPort: 443, Proto: 6,
				Flows: 1, Action: flow.Allow, Reporter: flow.ReporterSrc, Src: flow.Side{Instance: "00-0D-3A-F8-78-56"},
			}),
		},
		{
			name:  "nsg denied inbound",
			input: nsg("1741600800,192.0.2.1,10.0.0.4,4444,23,T,I,D,B,,,,"),
			want: nsgRec(flow.Record{
				SrcIP: addr("192.0.2.1"), DstIP: addr("10.0.0.4"), SrcPort: 4444, DstPort: 23, Proto: 6,
				Flows: 1, Action: flow.Deny, Reporter: flow.ReporterDst, Dst: flow.Side{Instance: "00-0D-3A-F8-78-56"},
			}),
		},
		{
			name:  "nsg continuing udp",
			input: nsg("1741600800,10.0.0.4,10.0.0.5,53000,53,U,O,A,C,2,150,2,300"),
			want: nsgRec(flow.Record{
				SrcIP: addr("10.0.0.4"), DstIP: addr("10.0.0.5"), SrcPort: 53000, DstPort: 53, Proto: 17,
				Packets: 2, Bytes: 150, PacketsRev: 2, BytesRev: 300,
				Action: flow.Allow, Reporter: flow.ReporterSrc, Src: flow.Side{Instance: "00-0D-3A-F8-78-56"},
			}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := decodeAll(t, []byte(tt.input))
			if len(errs) > 0 || len(recs) != 1 {
				t.Fatalf("got %d records, errors %v; want 1 record", len(recs), errs)
			}
			if diff := cmp.Diff(recs[0], tt.want, recordCmp...); diff != "" {
				t.Errorf("Next() (-got, +want):\n%s", diff)
			}
		})
	}
}

// recordCmp compares flow.Records field by field.
var recordCmp = []cmp.Option{
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }
