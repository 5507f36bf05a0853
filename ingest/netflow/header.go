package netflow

import (
	"encoding/binary"
	"net/netip"

	"github.com/weirhq/weir/flow"
)

// EtherTypes and IPv6 extension headers walked to reach the transport header of a
// sampled packet.
const (
	etherIPv4  = 0x0800
	etherIPv6  = 0x86dd
	etherVLAN  = 0x8100
	etherQinQ  = 0x88a8
	etherQinQ2 = 0x9100
	etherMPLS  = 0x8847

	maxTags = 8 // VLAN tags and MPLS labels followed before giving up
)

// parseHeader fills r's addresses, protocol, ports and TCP flags from the first
// bytes of a sampled packet. It reports false when they hold no IP header.
func parseHeader(proto uint32, b []byte, r *flow.Record) bool {
	switch proto {
	case sfHeaderProtoEthernet:
		return parseEthernet(b, r)
	case sfHeaderProtoIPv4, sfHeaderProtoIPv6:
		return parseIP(b, r)
	}
	return false
}

func parseEthernet(b []byte, r *flow.Record) bool {
	if len(b) < 14 {
		return false
	}
	etherType := binary.BigEndian.Uint16(b[12:])
	b = b[14:]
	for range maxTags {
		switch etherType {
		case etherVLAN, etherQinQ, etherQinQ2:
			if len(b) < 4 {
				return false
			}
			etherType = binary.BigEndian.Uint16(b[2:])
			b = b[4:]
		case etherMPLS:
			if len(b) < 4 {
				return false
			}
			bottom := b[2]&1 != 0
			b = b[4:]
			if bottom {
				return parseIP(b, r)
			}
		case etherIPv4, etherIPv6:
			return parseIP(b, r)
		default:
			return false
		}
	}
	return false
}

// parseIP reads an IPv4 or IPv6 header, by its version nibble, and the transport
// header after it.
func parseIP(b []byte, r *flow.Record) bool {
	if len(b) < 1 {
		return false
	}
	switch b[0] >> 4 {
	case 4:
		if len(b) < 20 {
			return false
		}
		ihl := int(b[0]&0x0f) * 4
		r.SrcIP = netip.AddrFrom4([4]byte(b[12:16]))
		r.DstIP = netip.AddrFrom4([4]byte(b[16:20]))
		r.Proto = b[9]
		// Only the first fragment carries the transport header.
		if binary.BigEndian.Uint16(b[6:])&0x1fff != 0 || ihl < 20 || len(b) < ihl {
			return true
		}
		parseTransport(r.Proto, b[ihl:], r)
		return true
	case 6:
		if len(b) < 40 {
			return false
		}
		r.SrcIP = netip.AddrFrom16([16]byte(b[8:24]))
		r.DstIP = netip.AddrFrom16([16]byte(b[24:40]))
		next := b[6]
		b = b[40:]
		for range maxTags {
			switch next {
			case 0, 43, 60: // hop-by-hop, routing, destination options
				if len(b) < 8 {
					r.Proto = next
					return true
				}
				next, b = b[0], b[min(len(b), 8+int(b[1])*8):]
				continue
			case 44: // fragment
				if len(b) < 8 {
					r.Proto = next
					return true
				}
				first := binary.BigEndian.Uint16(b[2:])&0xfff8 == 0
				next, b = b[0], b[8:]
				r.Proto = next
				if first {
					parseTransport(next, b, r)
				}
				return true
			}
			break
		}
		r.Proto = next
		parseTransport(next, b, r)
		return true
	}
	return false
}

// parseTransport reads TCP or UDP ports (and TCP flags) when the header holds them.
func parseTransport(proto uint8, b []byte, r *flow.Record) {
	switch proto {
	case flow.ProtoTCP:
		if len(b) >= 14 {
			r.TCPFlags = uint16(b[12]&1)<<8 | uint16(b[13])
		}
		fallthrough
	case flow.ProtoUDP, 132: // SCTP has its ports in the same place
		if len(b) >= 4 {
			r.SrcPort = binary.BigEndian.Uint16(b)
			r.DstPort = binary.BigEndian.Uint16(b[2:])
		}
	}
}
