package azureflow

import (
	"bytes"
	"net/netip"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/internal/bytesparse"
)

// Tuple layouts (Microsoft Learn, "VNet flow logs" and "NSG flow logs" log format):
//
//	VNet v4: time ms, src, dst, sport, dport, protocol number, I|O, B|C|E|D, encryption,
//	         packets src→dst, bytes src→dst, packets dst→src, bytes dst→src
//	NSG v2:  time s, src, dst, sport, dport, T|U, I|O, A|D, B|C|E, the same four counters
//	         (empty on B)
//	NSG v1:  time s, src, dst, sport, dport, T|U, I|O, A|D
const (
	vnetFields  = 13
	nsgV2Fields = 13
	nsgV1Fields = 8
	maxFields   = 13
)

// fault says why a tuple was rejected; the zero fault accepts it.
type fault struct {
	reason string // the metrics label: "field count", "bad ip", ...
	field  string
	value  []byte
}

// split cuts t at commas into f and returns the number of fields, or len(f)+1
// when there are more than f holds.
func split(t []byte, f *[maxFields][]byte) int {
	for n := range f {
		i := bytes.IndexByte(t, ',')
		if i < 0 {
			f[n] = t
			return n + 1
		}
		f[n], t = t[:i], t[i+1:]
	}
	return len(f) + 1
}

// tuple fills r from one tuple of a record of the given kind. r has been Reset and
// carries the record's origin; tuple sets the rest.
func (d *Decoder) tuple(t []byte, r *flow.Record) fault {
	var f [maxFields][]byte
	n := split(t, &f)
	want := vnetFields
	switch {
	case d.kind == kindNSG && d.nsgVersion == 1:
		want = nsgV1Fields
	case d.kind == kindNSG:
		want = nsgV2Fields
	}
	if n != want {
		return fault{reason: "field count", field: "tuple", value: t}
	}

	ts, ok := parseUint(f[0])
	if !ok || ts > 1<<52 {
		return fault{reason: "bad time", field: "time", value: f[0]}
	}
	var at time.Time
	if d.kind == kindVNet {
		at = time.UnixMilli(int64(ts)).UTC()
	} else {
		at = time.Unix(int64(ts), 0).UTC()
	}
	if !ingest.PlausibleTime(at, d.now) {
		return fault{reason: "implausible time", field: "time", value: f[0]}
	}
	r.Start, r.End = at, at // a tuple is an instant

	if r.SrcIP, ok = parseIP(f[1]); !ok {
		return fault{reason: "bad ip", field: "src", value: f[1]}
	}
	if r.DstIP, ok = parseIP(f[2]); !ok {
		return fault{reason: "bad ip", field: "dst", value: f[2]}
	}
	if r.SrcPort, ok = parsePort(f[3]); !ok {
		return fault{reason: "bad port", field: "src port", value: f[3]}
	}
	if r.DstPort, ok = parsePort(f[4]); !ok {
		return fault{reason: "bad port", field: "dst port", value: f[4]}
	}
	if r.Proto, ok = parseProto(f[5]); !ok {
		return fault{reason: "bad protocol", field: "protocol", value: f[5]}
	}
	switch string(f[6]) {
	case "O": // out of the NIC: the NIC is the source
		r.Reporter = flow.ReporterSrc
		r.Src.Instance = d.instance
	case "I": // into the NIC: the NIC is the destination
		r.Reporter = flow.ReporterDst
		r.Dst.Instance = d.instance
	default:
		return fault{reason: "bad direction", field: "direction", value: f[6]}
	}

	var state []byte
	counters := f[9:13]
	if d.kind == kindVNet {
		state = f[7]
		r.Action = flow.Allow
		if string(state) == "D" {
			r.Action = flow.Deny
		}
		// f[8] is the encryption state (X, NX, NX_HW_NOT_SUPPORTED, ...): not in the record.
	} else {
		switch string(f[7]) {
		case "A":
			r.Action = flow.Allow
		case "D":
			r.Action = flow.Deny
		default:
			return fault{reason: "bad decision", field: "decision", value: f[7]}
		}
		if d.nsgVersion == 1 {
			// NSG v1 has no state and no counters: each tuple is one flow seen in the interval.
			r.Flows = 1
			return fault{}
		}
		state = f[8]
	}

	// Counting (DESIGN §2). Azure logs a connection as a B (begin) tuple, a C
	// (continuing) tuple every interval while it lasts, and an E (end) tuple; C and
	// E carry the packets and bytes since the previous tuple of the same flow, so
	// every tuple's counters are a delta and summing the records gives the totals,
	// never a cumulative figure counted twice. The connection itself is counted
	// once: Flows = 1 on its B tuple (and on a D tuple, a denied attempt, which
	// has no other), Flows = 0 on its C and E tuples.
	switch string(state) {
	case "B", "D":
		r.Flows = 1
	case "C", "E":
		r.Flows = 0
	default:
		return fault{reason: "bad state", field: "state", value: state}
	}
	if r.Packets, ok = parseCounter(counters[0]); !ok {
		return fault{reason: "bad counter", field: "packets src→dst", value: counters[0]}
	}
	if r.Bytes, ok = parseCounter(counters[1]); !ok {
		return fault{reason: "bad counter", field: "bytes src→dst", value: counters[1]}
	}
	if r.PacketsRev, ok = parseCounter(counters[2]); !ok {
		return fault{reason: "bad counter", field: "packets dst→src", value: counters[2]}
	}
	if r.BytesRev, ok = parseCounter(counters[3]); !ok {
		return fault{reason: "bad counter", field: "bytes dst→src", value: counters[3]}
	}
	return fault{}
}

// parseUint parses decimal digits without allocating; at most 19 so that the value
// fits in an int64.
func parseUint(b []byte) (uint64, bool) {
	if len(b) > 19 {
		return 0, false
	}
	return bytesparse.Uint(b)
}

// parseCounter is parseUint where an empty field means zero (B tuples of NSG logs).
func parseCounter(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, true
	}
	return parseUint(b)
}

// parsePort parses a port; empty (some ICMP tuples) means none.
func parsePort(b []byte) (uint16, bool) {
	if len(b) == 0 {
		return 0, true
	}
	n, ok := parseUint(b)
	if !ok || n > 65535 {
		return 0, false
	}
	return uint16(n), true
}

// parseProto reads an IANA number (VNet logs) or T/U (NSG logs).
func parseProto(b []byte) (uint8, bool) {
	switch string(b) {
	case "T":
		return flow.ProtoTCP, true
	case "U":
		return flow.ProtoUDP, true
	}
	n, ok := parseUint(b)
	if !ok || n > 255 {
		return 0, false
	}
	return uint8(n), true
}

// parseIP parses an IP address without allocating for IPv4 or a zone-less IPv6.
// VNet logs carry IPv6 rarely; the length bound keeps a hostile value off netip.
func parseIP(b []byte) (netip.Addr, bool) {
	if len(b) > 64 {
		return netip.Addr{}, false
	}
	return bytesparse.Addr(b)
}
