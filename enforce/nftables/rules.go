package nftables

import (
	"net/netip"

	nft "github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// TableName is the one nftables table weir owns (family inet).
const TableName = "weir"

// priority runs weir's chains just before the usual filter chains (priority
// 0), so a quarantine drops traffic before a host firewall could accept it.
// Other base chains at the same hook still run after ours and may drop more,
// but none can re-admit what we dropped.
const priority nft.ChainPriority = -10

// plan is the whole weir table for one State, built without touching the
// kernel so tests can inspect it.
type plan struct {
	table  *nft.Table
	input  *nft.Chain
	output *nft.Chain
	// in and out hold each chain's rules as expression lists, in order.
	in, out [][]expr.Any
}

func weirTable() *nft.Table {
	return &nft.Table{Name: TableName, Family: nft.TableFamilyINet}
}

// buildPlan turns a normalized quarantined State into the table's chains and
// rules. Both chains drop by policy; each rule below is one exception.
func buildPlan(s State) plan {
	t := weirTable()
	drop := nft.ChainPolicyDrop
	p := plan{
		table: t,
		input: &nft.Chain{Name: "input", Table: t, Type: nft.ChainTypeFilter,
			Hooknum: nft.ChainHookInput, Priority: nft.ChainPriorityRef(priority), Policy: &drop},
		output: &nft.Chain{Name: "output", Table: t, Type: nft.ChainTypeFilter,
			Hooknum: nft.ChainHookOutput, Priority: nft.ChainPriorityRef(priority), Policy: &drop},
	}

	// Loopback: local services talking to each other are not network traffic.
	p.in = append(p.in, accept(ifaceIs(src, "lo")))
	p.out = append(p.out, accept(ifaceIs(dst, "lo")))

	// Allow list: any protocol, any state, both ways. There is deliberately no
	// generic "established" rule, so connections that were open with other
	// peers before the quarantine are cut too.
	for _, pre := range s.Allow {
		p.in = append(p.in, accept(addrIn(src, pre)))
		p.out = append(p.out, accept(addrIn(dst, pre)))
	}

	// IPv6 neighbour discovery, or no IPv6 peer (server included) is reachable.
	p.in = append(p.in, accept(icmp6NeighborDiscovery()))
	p.out = append(p.out, accept(icmp6NeighborDiscovery()))

	// The agent's channel: new connections out to the server, only answers in.
	server := netip.PrefixFrom(s.Server.Addr(), s.Server.Addr().BitLen())
	p.out = append(p.out, accept(addrIn(dst, server), l4Is(unix.IPPROTO_TCP), portIs(dst, s.Server.Port())))
	p.in = append(p.in, accept(addrIn(src, server), l4Is(unix.IPPROTO_TCP), portIs(src, s.Server.Port()), replyOnly()))

	if s.AllowDNS {
		for _, proto := range []byte{unix.IPPROTO_UDP, unix.IPPROTO_TCP} {
			p.out = append(p.out, accept(l4Is(proto), portIs(dst, 53)))
			p.in = append(p.in, accept(l4Is(proto), portIs(src, 53), replyOnly()))
		}
	}
	return p
}
