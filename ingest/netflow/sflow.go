package netflow

import (
	"encoding/binary"
	"net/netip"

	"github.com/weirhq/weir/flow"
)

// sFlow v5 structures (sflow.org sflow_version_5.txt): tags are enterprise<<12 |
// format, enterprise 0 being sFlow's own.
const (
	sfFlowSample         = 1 // flow_sample
	sfExpandedFlowSample = 3 // flow_sample_expanded
	sfRawHeader          = 1 // sampled_header
	sfSampledIPv4        = 3 // sampled_ipv4
	sfSampledIPv6        = 4 // sampled_ipv6

	sfHeaderProtoEthernet = 1  // header_protocol ETHERNET-ISO88023
	sfHeaderProtoIPv4     = 11 // IPv4
	sfHeaderProtoIPv6     = 12 // IPv6
)

// xdr reads the big-endian 32-bit words of an sFlow datagram; once short it stays
// short and every read returns 0, so callers check ok once after a group of reads.
type xdr struct {
	b  []byte
	ok bool
}

func (x *xdr) u32() uint32 {
	if len(x.b) < 4 {
		x.ok, x.b = false, nil
		return 0
	}
	v := binary.BigEndian.Uint32(x.b)
	x.b = x.b[4:]
	return v
}

func (x *xdr) bytes(n int) []byte {
	if n < 0 || len(x.b) < n {
		x.ok, x.b = false, nil
		return nil
	}
	v := x.b[:n]
	x.b = x.b[n:]
	return v
}

func (d *Decoder) sflow(p []byte, emit func(*flow.Record)) error {
	x := xdr{b: p[4:], ok: true}
	var agent netip.Addr
	switch x.u32() {
	case 1:
		if b := x.bytes(4); b != nil {
			agent = netip.AddrFrom4([4]byte(b))
		}
	case 2:
		if b := x.bytes(16); b != nil {
			agent = netip.AddrFrom16([16]byte(b)).Unmap()
		}
	default:
		if x.ok {
			return reject(4, "bad header", "sFlow agent address type not 1 or 2")
		}
	}
	subAgent := x.u32()
	x.u32() // sequence number
	x.u32() // uptime: the agent's, of no use without its boot time
	n := x.u32()
	if !x.ok {
		return reject(len(p), "truncated", "sFlow header ends at %d bytes", len(p))
	}
	exporter := d.exporterID(FormatSFlow, agent, subAgent)
	now := d.clock()
	for i := uint32(0); i < n; i++ {
		pos := len(p) - len(x.b)
		tag := x.u32()
		body := x.bytes(int(x.u32()))
		if !x.ok {
			return reject(pos, "truncated", "sFlow sample %d of %d runs past the datagram", i+1, n)
		}
		if tag>>12 != 0 || (tag&0xfff != sfFlowSample && tag&0xfff != sfExpandedFlowSample) {
			continue // counter samples, vendor samples
		}
		r := d.start(FormatSFlow, exporter)
		r.Start, r.End = now.UTC(), now.UTC()
		if !flowSample(body, tag&0xfff == sfExpandedFlowSample, r) {
			return reject(pos, "bad sample", "sFlow flow sample %d of %d ends inside a record", i+1, n)
		}
		if r.SrcIP.IsValid() && r.DstIP.IsValid() {
			emit(r)
		}
	}
	return nil
}

// flowSample fills r from a flow sample's records: the raw packet header when there
// is one, else a sampled_ipv4/ipv6 summary. Bytes and packets are the sampled
// packet's scaled by the sampling rate. It reports false for a malformed sample.
func flowSample(b []byte, expanded bool, r *flow.Record) bool {
	x := xdr{b: b, ok: true}
	x.u32() // sequence number
	x.u32() // source id (type and index)
	if expanded {
		x.u32()
	}
	rate := uint64(x.u32())
	x.u32() // sample pool
	x.u32() // drops
	x.u32() // input
	if expanded {
		x.u32()
		x.u32() // output format and value
		x.u32()
	} else {
		x.u32() // output
	}
	n := x.u32()
	if !x.ok {
		return false
	}
	if rate == 0 {
		rate = 1
	}
	var length uint64
	haveHeader := false
	for i := uint32(0); i < n; i++ {
		tag := x.u32()
		rec := xdr{b: x.bytes(int(x.u32())), ok: true}
		if !x.ok {
			return false
		}
		if tag>>12 != 0 {
			continue
		}
		switch tag & 0xfff {
		case sfRawHeader:
			proto := rec.u32()
			frame := rec.u32()
			rec.u32() // bytes stripped from the frame (FCS)
			hdr := rec.bytes(int(rec.u32()))
			if rec.ok && parseHeader(proto, hdr, r) {
				length, haveHeader = uint64(frame), true
			}
		case sfSampledIPv4, sfSampledIPv6:
			if haveHeader {
				continue
			}
			size := 4
			if tag&0xfff == sfSampledIPv6 {
				size = 16
			}
			l := rec.u32()
			proto := rec.u32()
			src, dst := rec.bytes(size), rec.bytes(size)
			sport, dport, flags := rec.u32(), rec.u32(), rec.u32()
			if !rec.ok {
				continue
			}
			r.SrcIP, _ = netip.AddrFromSlice(src)
			r.DstIP, _ = netip.AddrFromSlice(dst)
			r.SrcIP, r.DstIP = r.SrcIP.Unmap(), r.DstIP.Unmap()
			r.Proto, r.SrcPort, r.DstPort, r.TCPFlags = uint8(proto), uint16(sport), uint16(dport), uint16(flags)
			length = uint64(l)
		}
	}
	r.Bytes = length * rate
	r.Packets = rate
	return true
}
