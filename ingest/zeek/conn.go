package zeek

import (
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/internal/bytesparse"
)

// Fields of conn.log that the decoder reads, by id.
const (
	connTS = iota
	connOrigH
	connOrigP
	connRespH
	connRespP
	connProto
	connDuration
	connOrigBytes
	connRespBytes
	connOrigPkts
	connRespPkts
	connState
	connNode
)

var connFields = []string{
	connTS: "ts", connOrigH: "id.orig_h", connOrigP: "id.orig_p", connRespH: "id.resp_h", connRespP: "id.resp_p",
	connProto: "proto", connDuration: "duration", connOrigBytes: "orig_bytes", connRespBytes: "resp_bytes",
	connOrigPkts: "orig_pkts", connRespPkts: "resp_pkts", connState: "conn_state",
	connNode: "_node_name", // the cluster node that wrote the record, when Zeek runs as a cluster
}

// ConnDecoder reads flow records from a conn.log. It is used by one goroutine.
type ConnDecoder struct {
	log      *logReader
	now      time.Time
	exporter string // from the input's name, for records without a node name
	strs     ingest.Strings
	tmp      []byte
}

var _ ingest.Decoder = (*ConnDecoder)(nil)

// NewConnDecoder returns a ConnDecoder reading r. opts.Name names the input in
// errors and in the exporter; opts.Now bounds plausible times (the wall clock when
// zero).
func NewConnDecoder(r io.Reader, opts ingest.Options) *ConnDecoder {
	return &ConnDecoder{
		log:      newLogReader(r, opts.Name, connFields),
		now:      nowOr(opts.Now),
		exporter: exporterOf(opts.Name),
	}
}

// Next fills r with the next connection. It returns a *ingest.RecordError for a
// line it rejects (call Next again), io.EOF at the end, or the read error that
// ended the stream.
func (d *ConnDecoder) Next(r *flow.Record) error {
	if err := d.log.next(); err != nil {
		return err
	}
	v, pos := d.log.vals, d.log.line()
	r.Reset()

	var ok bool
	if r.Start, ok = parseTS(v[connTS]); !ok || !ingest.PlausibleTime(r.Start, d.now) {
		return badTime(pos, v[connTS])
	}
	r.End = r.Start
	if v[connDuration] != nil {
		dur, ok := parseInterval(v[connDuration])
		if !ok {
			return ingest.Reject(pos, "bad number", "duration %q", v[connDuration])
		}
		if r.End = r.Start.Add(dur); !ingest.PlausibleTime(r.End, d.now) {
			return ingest.Reject(pos, "bad time", "duration %q ends past now", v[connDuration])
		}
	}
	if r.SrcIP, ok = bytesparse.Addr(v[connOrigH]); !ok {
		return ingest.Reject(pos, "bad ip", "id.orig_h %q", v[connOrigH])
	}
	if r.DstIP, ok = bytesparse.Addr(v[connRespH]); !ok {
		return ingest.Reject(pos, "bad ip", "id.resp_h %q", v[connRespH])
	}
	// For ICMP Zeek puts the type in id.orig_p and the code in id.resp_p; they are
	// kept there, as Zeek users expect to find them.
	if r.SrcPort, ok = port(v[connOrigP]); !ok {
		return ingest.Reject(pos, "bad port", "id.orig_p %q", v[connOrigP])
	}
	if r.DstPort, ok = port(v[connRespP]); !ok {
		return ingest.Reject(pos, "bad port", "id.resp_p %q", v[connRespP])
	}
	switch string(v[connProto]) {
	case "tcp":
		r.Proto = flow.ProtoTCP
	case "udp":
		r.Proto = flow.ProtoUDP
	case "icmp":
		// Zeek names ICMPv6 "icmp" too; the address family tells them apart.
		r.Proto = flow.ProtoICMP
		if r.SrcIP.Is6() && !r.SrcIP.Is4In6() {
			r.Proto = flow.ProtoICMPv6
		}
	default: // "unknown_transport" or absent: protocol 0, unknown
	}

	counts := [...]struct {
		id  int
		dst *uint64
	}{{connOrigBytes, &r.Bytes}, {connRespBytes, &r.BytesRev}, {connOrigPkts, &r.Packets}, {connRespPkts, &r.PacketsRev}}
	for _, c := range counts {
		if v[c.id] == nil {
			continue // unset: Zeek saw no payload to count, or the field is not logged
		}
		if *c.dst, ok = bytesparse.Uint(v[c.id]); !ok {
			return ingest.Reject(pos, "bad number", "%s %q", connFields[c.id], v[c.id])
		}
	}

	r.Flows = 1
	r.Action = flow.Allow
	// REJ is a connection attempt answered by a reset: the responder (or a firewall
	// in front of it) refused it. It is the one state in which Zeek saw the network
	// deny a connection, so it is the one that becomes Deny; S0 (no answer) may be
	// a drop or a dead host and stays Allow.
	if string(v[connState]) == "REJ" {
		r.Action = flow.Deny
	}
	r.Reporter = flow.ReporterUnknown // a sensor in the path, not an end
	r.Format = FormatConn
	r.Cloud = "onprem"
	r.Exporter = d.exporter
	if node := v[connNode]; node != nil {
		d.tmp = append(append(d.tmp[:0], "zeek/"...), node...)
		r.Exporter = d.strs.Get(d.tmp)
	}
	return nil
}

// port reads a port; an unset one (ICMP without type and code, other protocols) is 0.
func port(b []byte) (uint16, bool) {
	if b == nil {
		return 0, true
	}
	n, ok := bytesparse.Uint(b)
	return uint16(n), ok && n <= 65535
}

// exporterOf names the sensor after the input: "zeek/<base>", the file's name up to
// its first dot, so that the rotated conn.2025-03-04-10-00-00.log.gz and the live
// conn.log are the same exporter.
func exporterOf(name string) string {
	base := filepath.Base(name)
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	if name == "" || base == "" {
		return "zeek"
	}
	return "zeek/" + base
}

// badTime rejects a record for its ts.
func badTime(pos int64, ts []byte) error {
	if ts == nil {
		return ingest.Reject(pos, "missing field", "ts")
	}
	return ingest.Reject(pos, "bad time", "ts %q", ts)
}

// nowOr returns now, or the wall clock when it is zero.
func nowOr(now time.Time) time.Time {
	if now.IsZero() {
		return time.Now()
	}
	return now
}
