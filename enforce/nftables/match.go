package nftables

import (
	"encoding/binary"
	"net/netip"

	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// The expressions below are the building blocks of every rule: each returns
// the loads and compares for one match, and a rule is their concatenation
// followed by a verdict. Everything goes through register 1; a failed compare
// ends the rule, so matches chain as a logical AND.

const reg = 1

// direction picks the address or port field a match reads.
type direction int

const (
	src direction = iota
	dst
)

// ifaceIs matches the input (src) or output (dst) interface name.
func ifaceIs(d direction, name string) []expr.Any {
	key := expr.MetaKeyIIFNAME
	if d == dst {
		key = expr.MetaKeyOIFNAME
	}
	// The kernel compares the full IFNAMSIZ buffer, NUL padded.
	b := make([]byte, unix.IFNAMSIZ)
	copy(b, name)
	return []expr.Any{
		&expr.Meta{Key: key, Register: reg},
		&expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: b},
	}
}

// familyIs matches IPv4 or IPv6 packets, which an inet chain sees both of.
func familyIs(addr netip.Addr) []expr.Any {
	proto := byte(unix.NFPROTO_IPV6)
	if addr.Is4() {
		proto = unix.NFPROTO_IPV4
	}
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: reg},
		&expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: []byte{proto}},
	}
}

// addrIn matches the source or destination address against a prefix; the
// family check comes first so the payload offsets are the right header's.
func addrIn(d direction, p netip.Prefix) []expr.Any {
	addr := p.Addr()
	var off, size uint32 = 12, 4 // IPv4 saddr; daddr follows at 16
	if addr.Is6() {
		off, size = 8, 16 // IPv6 saddr; daddr follows at 24
	}
	if d == dst {
		off += size
	}
	out := familyIs(addr)
	out = append(out, &expr.Payload{
		DestRegister: reg, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: size,
	})
	if p.Bits() < addr.BitLen() {
		mask := make([]byte, size)
		for i := 0; i < p.Bits(); i++ {
			mask[i/8] |= 0x80 >> (i % 8)
		}
		out = append(out, &expr.Bitwise{
			SourceRegister: reg, DestRegister: reg, Len: size, Mask: mask, Xor: make([]byte, size),
		})
	}
	return append(out, &expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: addr.AsSlice()})
}

// l4Is matches the transport protocol (unix.IPPROTO_*).
func l4Is(proto byte) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: reg},
		&expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: []byte{proto}},
	}
}

// portIs matches the TCP/UDP source or destination port; it must follow l4Is
// so the transport header is one that has ports at these offsets.
func portIs(d direction, port uint16) []expr.Any {
	var off uint32
	if d == dst {
		off = 2
	}
	return []expr.Any{
		&expr.Payload{DestRegister: reg, Base: expr.PayloadBaseTransportHeader, Offset: off, Len: 2},
		&expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: binary.BigEndian.AppendUint16(nil, port)},
	}
}

// replyOnly matches packets of connections conntrack already saw open
// (established or related), so inbound rules admit answers, not new peers.
func replyOnly() []expr.Any {
	mask := binary.NativeEndian.AppendUint32(nil, expr.CtStateBitESTABLISHED|expr.CtStateBitRELATED)
	return []expr.Any{
		&expr.Ct{Key: expr.CtKeySTATE, Register: reg},
		&expr.Bitwise{SourceRegister: reg, DestRegister: reg, Len: 4, Mask: mask, Xor: make([]byte, 4)},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: reg, Data: make([]byte, 4)},
	}
}

// icmp6NeighborDiscovery matches router and neighbour solicitations and
// advertisements (ICMPv6 types 133–136, RFC 4861): without them IPv6 hosts
// cannot resolve the link-layer address of even the allowed peers.
func icmp6NeighborDiscovery() []expr.Any {
	out := familyIs(netip.IPv6Unspecified())
	out = append(out, l4Is(unix.IPPROTO_ICMPV6)...)
	return append(out,
		&expr.Payload{DestRegister: reg, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1},
		&expr.Cmp{Op: expr.CmpOpGte, Register: reg, Data: []byte{133}},
		&expr.Cmp{Op: expr.CmpOpLte, Register: reg, Data: []byte{136}},
	)
}

// accept ends a rule with the accept verdict.
func accept(matches ...[]expr.Any) []expr.Any {
	var out []expr.Any
	for _, m := range matches {
		out = append(out, m...)
	}
	return append(out, &expr.Verdict{Kind: expr.VerdictAccept})
}
