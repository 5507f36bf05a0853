package testutil

import (
	"time"

	"github.com/weirhq/weir/flow"
)

// Row is a flow.Record flattened for golden files: only the fields a decoder sets,
// with enums as their names so that a diff reads as text.
type Row struct {
	Start, End       string `json:",omitempty"`
	Src, Dst         string
	SrcPort, DstPort uint16
	Proto            string
	TCPFlags         uint16 `json:",omitempty"`
	Bytes            uint64
	BytesRev         uint64 `json:",omitempty"`
	Packets          uint64
	PacketsRev       uint64 `json:",omitempty"`
	Flows            uint32
	Action           string `json:",omitempty"`
	Reporter         string `json:",omitempty"`
	Format           string
	Exporter         string `json:",omitempty"`
	Cloud            string `json:",omitempty"`
	Account          string `json:",omitempty"`
	Region           string `json:",omitempty"`
	VPC              string `json:",omitempty"`
	SrcInstance      string `json:",omitempty"`
	DstInstance      string `json:",omitempty"`
}

// Rows flattens records for a golden file.
func Rows(recs []flow.Record) []Row {
	out := make([]Row, len(recs))
	for i := range recs {
		r := &recs[i]
		out[i] = Row{
			Start: fmtTime(r.Start), End: fmtTime(r.End),
			Src: r.SrcIP.String(), Dst: r.DstIP.String(),
			SrcPort: r.SrcPort, DstPort: r.DstPort, Proto: flow.ProtoName(r.Proto),
			TCPFlags: r.TCPFlags,
			Bytes:    r.Bytes, BytesRev: r.BytesRev, Packets: r.Packets, PacketsRev: r.PacketsRev,
			Flows: r.Flows, Action: r.Action.String(), Reporter: r.Reporter.String(),
			Format: r.Format, Exporter: r.Exporter, Cloud: r.Cloud, Account: r.Account,
			Region: r.Region, VPC: r.VPC, SrcInstance: r.Src.Instance, DstInstance: r.Dst.Instance,
		}
	}
	return out
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
