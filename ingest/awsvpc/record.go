package awsvpc

import (
	"net/netip"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/internal/bytesparse"
)

// Upper bounds of numeric fields. Counters are bounded well below overflow of the
// int64 columns downstream; times below year 10000 so that time.Unix stays exact.
const (
	maxCounter = 1 << 62
	maxEpoch   = 253402300799 // 9999-12-31T23:59:59Z
)

// record decodes one data line into r. skip is true for a NODATA or SKIPDATA line,
// which carries no flow and is only counted.
func (d *Decoder) record(r *flow.Record, toks [][]byte, l *layout) (skip bool, err *ingest.RecordError) {
	get := func(f field) []byte {
		c := l.col[f]
		if c < 0 || isDash(toks[c]) {
			return nil
		}
		return toks[c]
	}
	pos := d.lines.Line()

	// The log status comes first: a NODATA or SKIPDATA line has '-' where the
	// addresses and counters would be.
	if s := get(fLogStatus); s != nil {
		switch string(s) {
		case "OK":
		case "NODATA":
			d.stats.NoData++
			return true, nil
		case "SKIPDATA":
			d.stats.SkipData++
			return true, nil
		default:
			return false, ingest.Reject(pos, "bad log-status", "%q", clip(s))
		}
	}

	r.Reset()
	r.Format = Format
	r.Cloud = "aws"
	r.Flows = 1

	// Endpoints. srcaddr/dstaddr are the addresses on the packet as the ENI saw it:
	// behind a NAT gateway or a load balancer the far end is the gateway's own
	// interface, and for EKS pods and other secondary addresses it is the
	// instance's primary address. pkt-srcaddr/pkt-dstaddr are the addresses in the
	// original IP header, the real ends of the connection, which is what weir's
	// questions (who talked to whom) are about; so where a line has them, they win.
	// Elastic's pipeline keeps srcaddr/dstaddr as source/destination and the pkt-*
	// values aside; the conformance test states the difference.
	var ok bool
	if r.SrcIP, ok = pickAddr(get(fPktSrcAddr), get(fSrcAddr)); !ok {
		return false, rejectAddr(pos, "source", get(fPktSrcAddr), get(fSrcAddr))
	}
	if r.DstIP, ok = pickAddr(get(fPktDstAddr), get(fDstAddr)); !ok {
		return false, rejectAddr(pos, "destination", get(fPktDstAddr), get(fDstAddr))
	}

	var e *ingest.RecordError
	num := func(f field, max uint64) uint64 {
		b := get(f)
		if b == nil || e != nil {
			return 0
		}
		v, ok := bytesparse.UintMax(b, max)
		if !ok {
			e = ingest.Reject(pos, "bad number", "%s %q", fieldNames[f], clip(b))
		}
		return v
	}
	r.SrcPort = uint16(num(fSrcPort, 65535))
	r.DstPort = uint16(num(fDstPort, 65535))
	r.Proto = uint8(num(fProtocol, 255))
	r.TCPFlags = uint16(num(fTCPFlags, 65535))
	r.Packets = num(fPackets, maxCounter)
	r.Bytes = num(fBytes, maxCounter)
	start := num(fStart, maxEpoch)
	end := num(fEnd, maxEpoch)
	if e != nil {
		return false, e
	}

	if err := d.times(r, get(fStart) != nil, get(fEnd) != nil, start, end); err != nil {
		return false, err
	}

	// Counting connections: AWS writes one record per direction and per
	// aggregation interval, so a long connection spans many records. Where the
	// line has tcp-flags (v3+; AWS logs only SYN, SYN-ACK, FIN and RST), a TCP
	// record stands for a new connection only when it carries the opening SYN
	// without the ACK: the answer (SYN-ACK) and the later intervals (no SYN) belong
	// to a connection already counted.
	if get(fTCPFlags) != nil && r.Proto == flow.ProtoTCP {
		const syn, ack = 0x02, 0x10
		if r.TCPFlags&(syn|ack) != syn {
			r.Flows = 0
		}
	}

	switch a := get(fAction); string(a) {
	case "ACCEPT":
		r.Action = flow.Allow
	case "REJECT":
		r.Action = flow.Deny
	case "":
	default:
		return false, ingest.Reject(pos, "bad action", "%q", clip(a))
	}

	// The ENI that logged the line sits at the destination of ingress traffic and
	// at the source of egress traffic, and the instance id is that ENI's instance.
	// Without flow-direction (formats before v5) neither is known.
	instance := d.instance.get(&d.strs, get(fInstanceID))
	switch string(get(fFlowDirection)) {
	case "ingress":
		r.Reporter = flow.ReporterDst
		r.Dst.Instance = instance
	case "egress":
		r.Reporter = flow.ReporterSrc
		r.Src.Instance = instance
	}

	// "unknown" is what AWS writes for ENIs that AWS services created; the key's
	// account is then the better answer.
	acc := get(fAccountID)
	if string(acc) == "unknown" {
		acc = nil
	}
	r.Account = d.account.get(&d.strs, acc)
	if r.Account == "" {
		r.Account = d.keyAccount
	}
	r.Region = d.region.get(&d.strs, get(fRegion))
	if r.Region == "" {
		r.Region = d.keyRegion
	}
	r.VPC = d.vpc.get(&d.strs, get(fVPCID))
	iface := d.iface.get(&d.strs, get(fInterfaceID))

	d.expBuf = append(d.expBuf[:0], Format...)
	d.expBuf = append(d.expBuf, '/')
	d.expBuf = append(d.expBuf, r.Account...)
	d.expBuf = append(d.expBuf, '/')
	d.expBuf = append(d.expBuf, iface...)
	r.Exporter = d.exporter.get(&d.strs, d.expBuf)
	return false, nil
}

// times sets Start and End. A line missing one of them uses the other; a line
// missing both, ending before it starts, or outside ingest.PlausibleTime is rejected.
func (d *Decoder) times(r *flow.Record, hasStart, hasEnd bool, start, end uint64) *ingest.RecordError {
	pos := d.lines.Line()
	switch {
	case !hasStart && !hasEnd:
		return ingest.Reject(pos, "missing time", "no start or end")
	case !hasStart:
		start = end
	case !hasEnd:
		end = start
	}
	if end < start {
		return ingest.Reject(pos, "bad time", "end %d before start %d", end, start)
	}
	r.Start = time.Unix(int64(start), 0).UTC()
	r.End = time.Unix(int64(end), 0).UTC()
	if !ingest.PlausibleTime(r.Start, d.now) {
		return ingest.Reject(pos, "bad time", "start %s", r.Start.Format(time.RFC3339))
	}
	if !ingest.PlausibleTime(r.End, d.now) {
		return ingest.Reject(pos, "bad time", "end %s", r.End.Format(time.RFC3339))
	}
	return nil
}

// pickAddr parses the packet-level address when the line has one and the
// interface-level one otherwise. Both must be valid when both are present: a line
// with a garbled srcaddr is garbage even if pkt-srcaddr parses.
func pickAddr(pkt, iface []byte) (netip.Addr, bool) {
	var a, p netip.Addr
	var ok bool
	if iface != nil {
		if a, ok = bytesparse.UnzonedAddr(iface); !ok {
			return a, false
		}
	}
	if pkt == nil {
		return a, iface != nil
	}
	if string(pkt) == string(iface) {
		return a, true
	}
	p, ok = bytesparse.UnzonedAddr(pkt)
	return p, ok
}

func rejectAddr(pos int64, side string, pkt, iface []byte) *ingest.RecordError {
	if pkt == nil && iface == nil {
		return ingest.Reject(pos, "missing ip", "no %s address", side)
	}
	if _, ok := bytesparse.UnzonedAddr(iface); iface != nil && !ok {
		return ingest.Reject(pos, "bad ip", "%s %q", side, clip(iface))
	}
	return ingest.Reject(pos, "bad ip", "packet %s %q", side, clip(pkt))
}

// clip shortens a value quoted in an error, so that a megabyte of garbage does not
// end up in the ingest summary.
func clip(b []byte) string {
	const max = 64
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
