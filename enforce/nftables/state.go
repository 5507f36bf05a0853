package nftables

import (
	"errors"
	"fmt"
	"net/netip"
)

// State is the desired enforcement on one host, as the agent pulls it from
// the server.
type State struct {
	// Quarantined turns the filter on; false means the weir table is removed.
	Quarantined bool
	// Allow lists the "controlled access" networks the host may still talk to,
	// in both directions and on any protocol.
	Allow []netip.Prefix
	// AllowDNS lets the host send DNS queries (udp/tcp 53) to any resolver
	// and receive the answers.
	AllowDNS bool
	// Server is the weir server the agent must keep reaching (TCP); a
	// quarantine without it would cut the agent off from its own release.
	Server netip.AddrPort
}

// normalized returns the state with 4-in-6 addresses unmapped and prefixes
// masked, so the rules compare the bytes the kernel actually sees, or an error
// saying which field is unusable.
func (s State) normalized() (State, error) {
	if !s.Quarantined {
		return State{}, nil
	}
	out := State{Quarantined: true, AllowDNS: s.AllowDNS}
	for i, p := range s.Allow {
		if !p.IsValid() {
			return State{}, fmt.Errorf("nftables state: allow[%d] %q is not a valid prefix", i, p)
		}
		if p.Addr().Is4In6() {
			bits := p.Bits() - 96
			if bits < 0 {
				bits = 0
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), bits)
		}
		out.Allow = append(out.Allow, p.Masked())
	}
	if !s.Server.IsValid() || s.Server.Port() == 0 {
		return State{}, errors.New("nftables state: quarantine needs the server address and port, or the agent loses its channel")
	}
	out.Server = netip.AddrPortFrom(s.Server.Addr().Unmap().WithZone(""), s.Server.Port())
	return out, nil
}
