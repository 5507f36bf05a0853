package awsvpc

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
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
	"github.com/weirhq/weir/ingest/internal/bytesparse"
	"github.com/weirhq/weir/internal/testutil"
)

// expected is the part of an entry in expected-extract.json (Elastic's pipeline
// output, one entry per input line) that weir's record carries.
type expected struct {
	SrcIP        string `json:"source.ip"`
	SrcPort      uint16 `json:"source.port"`
	DstIP        string `json:"destination.ip"`
	DstPort      uint16 `json:"destination.port"`
	Proto        string `json:"network.iana_number"`
	Bytes        uint64 `json:"network.bytes"`
	Packets      uint64 `json:"network.packets"`
	Start        string `json:"event.start"`
	End          string `json:"event.end"`
	Action       string `json:"aws.vpcflow.action"`
	LogStatus    string `json:"aws.vpcflow.log_status"`
	Interface    string `json:"aws.vpcflow.interface_id"`
	Account      string `json:"aws.vpcflow.account_id"`
	VPC          string `json:"aws.vpcflow.vpc_id"`
	Instance     string `json:"aws.vpcflow.instance_id"`
	TCPFlags     string `json:"aws.vpcflow.tcp_flags"`
	PktSrc       string `json:"aws.vpcflow.pkt_srcaddr"`
	PktDst       string `json:"aws.vpcflow.pkt_dstaddr"`
	Region       string `json:"cloud.region"`
	Direction    string `json:"network.direction"`
	NoEndpoints  bool   `json:"_no_source_destination"`
	StartIsQuirk string `json:"_quirk"`
}

// want is the record weir should make of an expected entry. Two deliberate
// differences from Elastic: the endpoints are pkt-srcaddr/pkt-dstaddr where the line
// has them (see record.go), and the flow-direction sets the reporter and which side
// the instance id belongs to.
func (e expected) want() testutil.Row {
	src, dst := e.SrcIP, e.DstIP
	if e.PktSrc != "" {
		src = e.PktSrc
	}
	if e.PktDst != "" {
		dst = e.PktDst
	}
	proto, _ := flow.ProtoNumber(e.Proto)
	r := testutil.Row{
		Start: e.Start, End: e.End, Src: canon(src), Dst: canon(dst),
		SrcPort: e.SrcPort, DstPort: e.DstPort, Proto: flow.ProtoName(proto),
		Bytes: e.Bytes, Packets: e.Packets, Flows: 1,
		Format: Format, Cloud: "aws", Account: e.Account, Region: e.Region, VPC: e.VPC,
	}
	switch e.Action {
	case "ACCEPT":
		r.Action = "allow"
	case "REJECT":
		r.Action = "deny"
	}
	switch e.Direction {
	case "ingress":
		r.Reporter, r.DstInstance = "dst", e.Instance
	case "egress":
		r.Reporter, r.SrcInstance = "src", e.Instance
	}
	if n, ok := bytesparse.UintMax([]byte(e.TCPFlags), 65535); ok {
		r.TCPFlags = uint16(n)
	}
	return r
}

// canon writes an address as netip does, so that the comparison is of addresses.
func canon(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return s
	}
	return a.String()
}

// Elastic writes times with milliseconds; Rows writes them without.
func trimMillis(s string) string { return strings.Replace(s, ".000Z", "Z", 1) }

func TestConformance(t *testing.T) {
	dir := testutil.SharedFormats(t, "aws-vpcflow")
	raw, err := os.ReadFile(filepath.Join(dir, "expected-extract.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files map[string]json.RawMessage
	if err := json.Unmarshal(raw, &files); err != nil {
		t.Fatalf("parse expected-extract.json: %v", err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	checked := 0
	for name, msg := range files {
		if strings.HasPrefix(name, "_") {
			continue
		}
		var entries []expected
		if err := json.Unmarshal(msg, &entries); err != nil {
			t.Fatalf("parse %s entries: %v", name, err)
		}
		lines := readLines(t, filepath.Join(dir, name))
		if len(lines) != len(entries) {
			t.Fatalf("%s: %d lines, %d expected entries", name, len(lines), len(entries))
		}
		for i, line := range lines {
			e := entries[i]
			e.Start, e.End = trimMillis(e.Start), trimMillis(e.End)
			t.Run(fmt.Sprintf("%s/%d", name, i+1), func(t *testing.T) {
				if e.StartIsQuirk != "" {
					// The upstream sample has a 9-digit start (1975): weir rejects
					// it as implausible, then checks the rest of the line with the
					// start repaired to its evident 10-digit value.
					rec, err := decodeLine(line, now)
					var re *ingest.RecordError
					if !errors.As(err, &re) || re.Reason != "bad time" {
						t.Fatalf("quirky start: got %v, %v; want a bad time rejection", rec, err)
					}
					line = strings.Replace(line, " 164000066 ", " 1640000066 ", 1)
					e.Start = "2021-12-20T11:34:26Z"
				}
				rec, err := decodeLine(line, now)
				if e.NoEndpoints {
					if err != io.EOF {
						t.Fatalf("%s line: got %v, %v; want it skipped", e.LogStatus, rec, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("Next(): %v", err)
				}
				got := testutil.Rows([]flow.Record{rec})[0]
				want := e.want()
				// Expected entries name account and interface only on some lines;
				// the exporter is checked where they do.
				if e.Account == "" {
					got.Account = ""
				}
				if e.Interface != "" {
					want.Exporter = "aws-vpc/" + e.Account + "/" + e.Interface
				} else {
					got.Exporter = ""
				}
				if diff := cmp.Diff(got, want); diff != "" {
					t.Errorf("line %q (-got, +want):\n%s", line, diff)
				}
			})
			checked++
		}
	}
	if checked < 8 {
		t.Errorf("checked %d lines, want at least 8", checked)
	}
}

// decodeLine decodes one line on its own and returns its record, io.EOF when the
// line yields none, or the rejection.
func decodeLine(line string, now time.Time) (flow.Record, error) {
	d := NewDecoder(strings.NewReader(line+"\n"), ingest.Options{Name: "sample.log", Now: now})
	var r flow.Record
	err := d.Next(&r)
	if err == io.EOF {
		st := d.Stats()
		if st.NoData+st.SkipData != 1 {
			return r, errors.New("nothing decoded and nothing counted")
		}
	}
	return r, err
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			lines = append(lines, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}
