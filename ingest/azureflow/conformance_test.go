package azureflow

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/internal/testutil"
)

// TestConformance decodes the real samples in ../shared/formats/azure-flowlogs and
// checks them against the ground truth there (expected-extract-vnet.json: the
// fields Elastic's pipeline extracts from each VNet tuple) and the samples' own
// content.
func TestConformance(t *testing.T) {
	dir := testutil.SharedFormats(t, "azure-flowlogs")
	decodeFile := func(t *testing.T, name string) []flow.Record {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, errs := decodeAll(t, data)
		if len(errs) > 0 {
			t.Fatalf("%s: rejected %v", name, errs)
		}
		return recs
	}

	t.Run("vnet tuple mapping", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(dir, "expected-extract-vnet.json"))
		if err != nil {
			t.Fatal(err)
		}
		var truth map[string]json.RawMessage
		if err := json.Unmarshal(raw, &truth); err != nil {
			t.Fatal(err)
		}
		var want struct {
			MAC    string `json:"mac_address"`
			Tuples []struct {
				Timestamp time.Time
				Source    struct {
					IP   string
					Port uint16
				}
				Destination struct {
					IP   string
					Port uint16
				}
				Protocol string
				Flow     struct{ Direction, State string }
				Packets  struct{ Sent, Received uint64 }
				Bytes    struct{ Sent, Received uint64 }
			}
		}
		if err := json.Unmarshal(truth["vnet-test-vnet.log"], &want); err != nil {
			t.Fatal(err)
		}
		recs := decodeFile(t, "vnet-test-vnet.log")
		if len(recs) != len(want.Tuples) {
			t.Fatalf("decoded %d tuples, want %d", len(recs), len(want.Tuples))
		}
		type fields struct {
			Time                time.Time
			Src, Dst            string
			SrcPort, DstPort    uint16
			Proto               string
			Reporter            flow.Reporter
			Flows               uint32
			Packets, PacketsRev uint64
			Bytes, BytesRev     uint64
			Instance            string
		}
		for i, w := range want.Tuples {
			r := recs[i]
			got := fields{r.Start, r.SrcIP.String(), r.DstIP.String(), r.SrcPort, r.DstPort, strconv.Itoa(int(r.Proto)),
				r.Reporter, r.Flows, r.Packets, r.PacketsRev, r.Bytes, r.BytesRev, r.Src.Instance}
			exp := fields{w.Timestamp, w.Source.IP, w.Destination.IP, w.Source.Port, w.Destination.Port, w.Protocol,
				map[string]flow.Reporter{"Outbound": flow.ReporterSrc, "Inbound": flow.ReporterDst}[w.Flow.Direction],
				map[string]uint32{"Begin": 1, "Deny": 1}[w.Flow.State],
				w.Packets.Sent, w.Packets.Received, w.Bytes.Sent, w.Bytes.Received, want.MAC}
			if diff := cmp.Diff(got, exp); diff != "" {
				t.Errorf("tuple %d (-got, +want):\n%s", i, diff)
			}
		}
	})

	t.Run("vnet blob", func(t *testing.T) {
		recs := decodeFile(t, "vnet-sample-testdata.json")
		var flows uint32
		var bytes, bytesRev uint64
		denied := 0
		for _, r := range recs {
			flows += r.Flows
			bytes += r.Bytes
			bytesRev += r.BytesRev
			if r.Action == flow.Deny {
				denied++
				if r.Reporter != flow.ReporterDst || r.Dst.Instance != "00-22-48-71-C2-05" {
					t.Errorf("denied inbound tuple %v → %v: reporter %v, dst instance %q", r.SrcIP, r.DstIP, r.Reporter, r.Dst.Instance)
				}
			}
		}
		// 19 tuples: 5 outbound connections as B+E, 9 denied inbound attempts.
		type sums struct {
			Tuples, Denied  int
			Flows           uint32
			Bytes, BytesRev uint64
		}
		got := sums{len(recs), denied, flows, bytes, bytesRev}
		want := sums{19, 9, 5 + 9, 767 + 705 + 705 + 134 + 2217, 1580 + 4569 + 4569 + 108 + 32466}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("sums (-got, +want):\n%s", diff)
		}
		r := recs[0]
		origin := []string{r.Format, r.Cloud, r.Account, r.Region, r.VPC, r.Exporter}
		wantOrigin := []string{FormatVNet, "azure", "00000000-0000-0000-0000-000000000000", "eastus2euap", "myVNet",
			"azure-vnet/00000000-0000-0000-0000-000000000000/00-22-48-71-C2-05"}
		if diff := cmp.Diff(origin, wantOrigin); diff != "" {
			t.Errorf("origin (-got, +want):\n%s", diff)
		}
	})

	t.Run("nsg line", func(t *testing.T) {
		recs := decodeFile(t, "nsg-test-nsg.log")
		if len(recs) != 1 {
			t.Fatalf("decoded %d tuples, want 1", len(recs))
		}
		want := flow.Record{
			Start: time.Unix(1542110379, 0).UTC(), End: time.Unix(1542110379, 0).UTC(),
			SrcIP: addr("1.128.0.0"), DstIP: addr("1.128.0.1"), SrcPort: 59932, DstPort: 443, Proto: flow.ProtoTCP,
			Packets: 1, Bytes: 66, PacketsRev: 1, BytesRev: 66, Flows: 0,
			Action: flow.Allow, Reporter: flow.ReporterSrc,
			Format: FormatNSG, Exporter: "azure-nsg/00000000-0000-0000-0000-000000000000/FABRIAKMVM1-NSG",
			Cloud: "azure", Account: "00000000-0000-0000-0000-000000000000", VPC: "FABRIAKMVM1-NSG",
			Src: flow.Side{Instance: "00-0D-3A-F8-78-56"},
		}
		if diff := cmp.Diff(recs[0], want, recordCmp...); diff != "" {
			t.Errorf("Next() (-got, +want):\n%s", diff)
		}
	})

	t.Run("detect", func(t *testing.T) {
		for name, want := range map[string]string{
			"vnet-sample-testdata.json": FormatVNet,
			"vnet-test-vnet.log":        FormatVNet,
			"nsg-test-nsg.log":          FormatNSG,
		} {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := Detect(data); got != want || !ok {
				t.Errorf("Detect(%s) = %q, %v; want %q", name, got, ok, want)
			}
		}
	})
}
