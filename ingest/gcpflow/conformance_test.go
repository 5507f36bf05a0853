package gcpflow

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/internal/testutil"
)

// sampleEntry is the part of a LogEntry the conformance test reads on its own, with
// encoding/json, to check the decoder against an independent reading.
type sampleEntry struct {
	JSONPayload struct {
		Connection struct {
			SrcIP    string `json:"src_ip"`
			DestIP   string `json:"dest_ip"`
			SrcPort  uint16 `json:"src_port"`
			DestPort uint16 `json:"dest_port"`
			Protocol uint8  `json:"protocol"`
		} `json:"connection"`
		Reporter     string        `json:"reporter"`
		BytesSent    string        `json:"bytes_sent"`
		PacketsSent  string        `json:"packets_sent"`
		StartTime    time.Time     `json:"start_time"`
		EndTime      time.Time     `json:"end_time"`
		SrcInstance  *sampleVM     `json:"src_instance"`
		DestInstance *sampleVM     `json:"dest_instance"`
		SrcVPC       *sampleVPCRef `json:"src_vpc"`
		DestVPC      *sampleVPCRef `json:"dest_vpc"`
	} `json:"jsonPayload"`
}

type sampleVM struct {
	ProjectID string `json:"project_id"`
	VMName    string `json:"vm_name"`
	Region    string `json:"region"`
}

type sampleVPCRef struct {
	VPCName string `json:"vpc_name"`
}

// TestConformance decodes the real Cloud Logging sample (elastic/beats, see
// SOURCE.txt there) and checks every record against the entry read independently.
func TestConformance(t *testing.T) {
	path := filepath.Join(testutil.SharedFormats(t, "gcp-vpcflow"), "vpc-flow-log-entries.first14.json.log")
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, rejects := decodeAll(t, in)
	if len(rejects) > 0 {
		t.Errorf("rejects: %q", rejects)
	}

	var want []flow.Record
	sc := bufio.NewScanner(bytes.NewReader(in))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e sampleEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		want = append(want, expected(t, e))
	}
	if len(want) != 14 {
		t.Fatalf("sample has %d entries, want 14", len(want))
	}
	if diff := cmp.Diff(testutil.Rows(got), testutil.Rows(want)); diff != "" {
		t.Errorf("decoded sample (-got, +want):\n%s", diff)
	}

	// GCP logs each direction of a connection separately, at the VM that sends it
	// (SRC) and at the VM that receives it (DEST). The sample's VMs talk to peers
	// without flow logs, so a connection shows up as two records from the same VM:
	// its egress reported as SRC and the reverse direction as DEST, with the same
	// start. Both must name that VM as the exporter — the pipeline relies on the
	// reporter and the exporter to count each direction once.
	type key struct {
		a, b  netip.AddrPort
		start time.Time
	}
	byConn := map[key][]flow.Record{}
	for _, r := range got {
		a, b := netip.AddrPortFrom(r.SrcIP, r.SrcPort), netip.AddrPortFrom(r.DstIP, r.DstPort)
		if b.Compare(a) < 0 {
			a, b = b, a
		}
		k := key{a, b, r.Start}
		byConn[k] = append(byConn[k], r)
	}
	pairs := 0
	for k, recs := range byConn {
		if len(recs) != 2 {
			continue
		}
		pairs++
		x, y := recs[0], recs[1]
		if x.Reporter == y.Reporter || x.Exporter != y.Exporter || x.SrcIP != y.DstIP {
			t.Errorf("%v: reports disagree: %v by %s and %v by %s", k, x.Reporter, x.Exporter, y.Reporter, y.Exporter)
		}
	}
	if pairs < 3 {
		t.Errorf("found %d connections reported in both directions, want at least 3", pairs)
	}
}

// expected builds the record an entry stands for, following the mapping in the
// package's documentation.
func expected(t *testing.T, e sampleEntry) flow.Record {
	t.Helper()
	p := e.JSONPayload
	num := func(s string) uint64 {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("sample number %q: %v", s, err)
		}
		return n
	}
	r := flow.Record{
		Start: p.StartTime.UTC(), End: p.EndTime.UTC(),
		SrcIP: netip.MustParseAddr(p.Connection.SrcIP), DstIP: netip.MustParseAddr(p.Connection.DestIP),
		SrcPort: p.Connection.SrcPort, DstPort: p.Connection.DestPort, Proto: p.Connection.Protocol,
		Bytes: num(p.BytesSent), Packets: num(p.PacketsSent), Flows: 1,
		Action: flow.Allow, Format: "gcp-vpc", Cloud: "gcp",
	}
	if p.SrcInstance != nil {
		r.Src.Instance = p.SrcInstance.VMName
	}
	if p.DestInstance != nil {
		r.Dst.Instance = p.DestInstance.VMName
	}
	vm, vpc := p.SrcInstance, p.SrcVPC
	switch p.Reporter {
	case "SRC":
		r.Reporter = flow.ReporterSrc
	case "DEST":
		r.Reporter = flow.ReporterDst
		vm, vpc = p.DestInstance, p.DestVPC
	default:
		t.Fatalf("sample reporter %q", p.Reporter)
	}
	if vm == nil || vpc == nil {
		t.Fatalf("sample entry lacks the reporting end's instance or vpc")
	}
	r.Account, r.Region, r.VPC = vm.ProjectID, vm.Region, vpc.VPCName
	r.Exporter = "gcp-vpc/" + vm.ProjectID + "/" + vm.VMName
	return r
}
