package netflow

import (
	"encoding/binary"
	"net/netip"
)

// Builders of export payloads for tests, written from the layouts in RFC 3954,
// RFC 7011, Cisco's v5 format and the sFlow v5 spec, independently of the decoder.

type buf []byte

func (b buf) u8(v uint8) buf           { return append(b, v) }
func (b buf) u16(v uint16) buf         { return binary.BigEndian.AppendUint16(b, v) }
func (b buf) u32(v uint32) buf         { return binary.BigEndian.AppendUint32(b, v) }
func (b buf) u64(v uint64) buf         { return binary.BigEndian.AppendUint64(b, v) }
func (b buf) ip(s string) buf          { return append(b, netip.MustParseAddr(s).AsSlice()...) }
func (b buf) raw(p []byte) buf         { return append(b, p...) }
func (b buf) setLen(at int) buf        { binary.BigEndian.PutUint16(b[at:], uint16(len(b)-at+2)); return b }
func (b buf) putU16(at int, v int) buf { binary.BigEndian.PutUint16(b[at:], uint16(v)); return b }

type v5Flow struct {
	src, dst        string
	sport, dport    uint16
	proto, flags    uint8
	packets, octets uint32
	first, last     uint32 // uptime ms
}

// buildV5 writes a v5 packet exported at unix secs (and nsecs) when the uptime was
// uptime ms.
func buildV5(uptime, secs, nsecs uint32, engineID uint8, sampling uint16, flows ...v5Flow) []byte {
	b := buf{}.u16(5).u16(uint16(len(flows))).u32(uptime).u32(secs).u32(nsecs).u32(7).u8(0).u8(engineID).u16(sampling)
	for _, f := range flows {
		b = b.ip(f.src).ip(f.dst).ip("0.0.0.0").u16(1).u16(2).u32(f.packets).u32(f.octets).u32(f.first).u32(f.last).
			u16(f.sport).u16(f.dport).u8(0).u8(f.flags).u8(f.proto).u8(0).u16(0).u16(0).u8(24).u8(24).u16(0)
	}
	return b
}

// An IPFIX template of 256: addresses, ports, protocol, flags, counters and
// millisecond start/end; 39 bytes a record.
var ipfixFields = [][2]uint16{{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {1, 8}, {2, 8}, {152, 8}, {153, 8}}

type ipfixFlow struct {
	src, dst        string
	sport, dport    uint16
	proto, flags    uint8
	octets, packets uint64
	startMs, endMs  uint64
}

func ipfixMessage(export, domain uint32, sets ...[]byte) []byte {
	b := buf{}.u16(10).u16(0).u32(export).u32(1).u32(domain)
	for _, s := range sets {
		b = b.raw(s)
	}
	return b.putU16(2, len(b))
}

func ipfixTemplateSet(id uint16, fields [][2]uint16) []byte {
	b := buf{}.u16(2).u16(0).u16(id).u16(uint16(len(fields)))
	for _, f := range fields {
		b = b.u16(f[0]).u16(f[1])
	}
	return b.putU16(2, len(b))
}

func ipfixDataSet(id uint16, flows ...ipfixFlow) []byte {
	b := buf{}.u16(id).u16(0)
	for _, f := range flows {
		b = b.ip(f.src).ip(f.dst).u16(f.sport).u16(f.dport).u8(f.proto).u8(f.flags).u64(f.octets).u64(f.packets).u64(f.startMs).u64(f.endMs)
	}
	return b.putU16(2, len(b))
}

// A v9 template of 300: v6 addresses, ports, protocol, counters, first/last
// switched, and the ASA firewall event.
var v9Fields = [][2]uint16{{27, 16}, {28, 16}, {7, 2}, {11, 2}, {4, 1}, {1, 4}, {2, 4}, {22, 4}, {21, 4}, {233, 1}}

type v9Flow struct {
	src, dst     string
	sport, dport uint16
	proto        uint8
	octets, pkts uint32
	first, last  uint32
	fwEvent      uint8
}

func v9Packet(uptime, secs, sourceID uint32, sets ...[]byte) []byte {
	b := buf{}.u16(9).u16(uint16(len(sets))).u32(uptime).u32(secs).u32(1).u32(sourceID)
	for _, s := range sets {
		b = b.raw(s)
	}
	return b
}

func v9TemplateSet(id uint16, fields [][2]uint16) []byte {
	b := buf{}.u16(0).u16(0).u16(id).u16(uint16(len(fields)))
	for _, f := range fields {
		b = b.u16(f[0]).u16(f[1])
	}
	return b.putU16(2, len(b))
}

func v9DataSet(id uint16, flows ...v9Flow) []byte {
	b := buf{}.u16(id).u16(0)
	for _, f := range flows {
		b = b.ip(f.src).ip(f.dst).u16(f.sport).u16(f.dport).u8(f.proto).u32(f.octets).u32(f.pkts).u32(f.first).u32(f.last).u8(f.fwEvent)
	}
	for len(b)%4 != 0 { // padding to a 4-byte boundary (RFC 3954 §5.3)
		b = b.u8(0)
	}
	return b.putU16(2, len(b))
}

// sFlow: a datagram from agent with flow samples, each holding one raw header.
type sflowSample struct {
	rate     uint32
	frameLen uint32
	header   []byte // an Ethernet frame's first bytes
	expanded bool
}

func sflowDatagram(agent string, subAgent uint32, samples ...sflowSample) []byte {
	a := netip.MustParseAddr(agent)
	b := buf{}.u32(5)
	if a.Is4() {
		b = b.u32(1)
	} else {
		b = b.u32(2)
	}
	b = b.ip(agent).u32(subAgent).u32(1).u32(12345).u32(uint32(len(samples)))
	for i, s := range samples {
		hdr := s.header
		for len(hdr)%4 != 0 {
			hdr = append(hdr[:len(hdr):len(hdr)], 0)
		}
		rec := buf{}.u32(1).u32(s.frameLen).u32(4).u32(uint32(len(s.header))).raw(hdr)
		body := buf{}.u32(uint32(i + 1))
		if s.expanded {
			body = body.u32(0).u32(3).u32(s.rate).u32(1000).u32(0).u32(0).u32(1).u32(0).u32(2).u32(1)
		} else {
			body = body.u32(3).u32(s.rate).u32(1000).u32(0).u32(1).u32(2).u32(1)
		}
		body = body.u32(1).u32(uint32(len(rec))).raw(rec)
		tag := uint32(1)
		if s.expanded {
			tag = 3
		}
		b = b.u32(tag).u32(uint32(len(body))).raw(body)
	}
	return b
}

// ethIPv4TCP is the first 54 bytes of an Ethernet frame with a VLAN tag, an IPv4
// header and a TCP header.
func ethIPv4TCP(src, dst string, sport, dport uint16, flags uint8) []byte {
	b := buf{}.raw(make([]byte, 12)).u16(0x8100).u16(100).u16(0x0800)
	b = b.u8(0x45).u8(0).u16(1500).u16(1).u16(0x4000).u8(64).u8(6).u16(0).ip(src).ip(dst)
	return b.u16(sport).u16(dport).u32(1).u32(0).u8(0x50).u8(flags).u16(65535).u16(0).u16(0)
}

// ethIPv6UDP is an Ethernet frame's IPv6 header with a hop-by-hop options header
// before the UDP header.
func ethIPv6UDP(src, dst string, sport, dport uint16) []byte {
	b := buf{}.raw(make([]byte, 12)).u16(0x86dd)
	b = b.u32(0x60000000).u16(16).u8(0).u8(64).ip(src).ip(dst)
	b = b.u8(17).u8(0).raw(make([]byte, 6)) // hop-by-hop, 8 bytes, next UDP
	return b.u16(sport).u16(dport).u16(8).u16(0)
}
