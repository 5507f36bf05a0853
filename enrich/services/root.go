// Package services names the service a flow uses from its protocol and ports: SMB,
// RDP, SSH, RustDesk, HTTPS... with a risk grade and a category (remote access,
// lateral movement, database...). It owns the port catalog and the rule that
// decides which end of a flow is the server; it does not read flows, inventory or
// threat intelligence.
//
// A Catalog is built once (Default, New, LoadFile) and is then read-only: any
// number of goroutines may call Lookup. Lookup indexes an array by port, one per
// transport protocol, so that it costs the same for every record and allocates
// nothing.
package services

import (
	"github.com/weirhq/weir/flow"
)

// Service is one entry of the catalog: a named service on a port and protocol.
type Service struct {
	Name     string
	Port     uint16
	Proto    uint8
	Risk     flow.Risk
	Category string
}

// Categories a default entry uses. A user's file may name others.
const (
	CategoryLegacy         = "legacy/cleartext"
	CategoryRemoteAccess   = "remote access"
	CategoryLateral        = "lateral movement"
	CategoryFileTransfer   = "file transfer"
	CategoryDatabase       = "database"
	CategoryWeb            = "web"
	CategoryInfrastructure = "infrastructure"
)

// Catalog maps (protocol, port) to a service. An entry of services is a template
// without its port (one per catalog line, a range shares it); index 0 is unused so
// that a zero in the port tables means "not in the catalog".
type Catalog struct {
	tcp, udp *[65536]uint16 // port → index into services; 0 = none
	services []Service
}

// Lookup names the service of a flow. ok is false when the server's port is not
// in the catalog (or the protocol is neither TCP nor UDP); Port and Proto are
// then still set when a well-known server port could be chosen.
//
// Which port is the server's: a flow log does not say which end listened.
//   - The destination port when it is in the catalog: the usual request record.
//   - Else the source port when it is: AWS VPC and NetFlow log each direction of
//     a connection as its own record, so the reply (443 → 51234) carries the
//     server's port as its source.
//   - Else the lower of the two when it is at most 1023: ports below 1024 are
//     IANA's system ports, which clients do not take as ephemeral ports.
//   - Else unknown: two high ports say nothing reliable.
//
// A client's ephemeral port that happens to be a catalog port (e.g. 5432 chosen
// by the kernel) loses to the destination, which is checked first.
func (c *Catalog) Lookup(proto uint8, srcPort, dstPort uint16) (Service, bool) {
	var tab *[65536]uint16
	switch proto {
	case flow.ProtoTCP:
		tab = c.tcp
	case flow.ProtoUDP:
		tab = c.udp
	default:
		return Service{}, false
	}
	if i := tab[dstPort]; i != 0 {
		s := c.services[i]
		s.Port = dstPort
		return s, true
	}
	if i := tab[srcPort]; i != 0 {
		s := c.services[i]
		s.Port = srcPort
		return s, true
	}
	low := min(srcPort, dstPort)
	if low <= 1023 && low != 0 {
		return Service{Port: low, Proto: proto}, false
	}
	return Service{}, false
}

// Services lists every entry of the catalog (one per protocol and port), for
// display and tests.
func (c *Catalog) Services() []Service {
	out := make([]Service, 0, len(c.services))
	for _, tab := range []*[65536]uint16{c.tcp, c.udp} {
		for port, i := range tab {
			if i != 0 {
				s := c.services[i]
				s.Port = uint16(port)
				out = append(out, s)
			}
		}
	}
	return out
}
