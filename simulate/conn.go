package simulate

import (
	"net/netip"
	"time"
)

// endpoint is one side of a connection: a workload of the estate, a known remote,
// or both unknown (an address nothing in the estate owns, as a scan target).
type endpoint struct {
	ip netip.Addr
	w  *workload
	r  *remote
}

func (e endpoint) private() bool { return e.ip.IsPrivate() }

// outcome is what happened to a connection.
type outcome uint8

const (
	established outcome = iota // both directions carried data
	reset                      // the destination host answered with a RST
	denied                     // a firewall at the destination dropped it (NSG, security group)
	unanswered                 // nothing answered (no such host)
)

// conn is one connection, the unit every writer turns into its own lines. Times are
// Unix microseconds.
type conn struct {
	start, end        int64
	src, dst          endpoint
	sport, dport      uint16
	proto             uint8
	pkts, bytes       uint64 // src→dst
	pktsRev, bytesRev uint64 // dst→src
	outcome           outcome
	domain            string // name the client resolved and sent as SNI; "" for none
	tls               bool
	scen              int // index into the scenario list, -1 for background
}

const (
	protoICMP = 1
	protoTCP  = 6
	protoUDP  = 17
)

const (
	usPerSec  = int64(1e6)
	usPerHour = 3600 * usPerSec
)

func micros(t time.Time) int64 { return t.UnixMicro() }

// hasReply reports whether the destination sent anything back.
func (c *conn) hasReply() bool { return c.outcome == established || c.outcome == reset }

// chunk is a slice of a connection's life with its share of the counters, for
// formats that report long connections once per aggregation interval.
type chunk struct {
	start, end                     int64
	pkts, bytes, pktsRev, bytesRev uint64
}

// chunks splits c into intervals of at most width, sharing the counters in
// proportion to time so that the parts add up exactly to the whole.
func (c *conn) chunks(width int64, out []chunk) []chunk {
	out = out[:0]
	d := c.end - c.start
	if d <= width {
		return append(out, chunk{c.start, c.end, c.pkts, c.bytes, c.pktsRev, c.bytesRev})
	}
	n := uint64((d + width - 1) / width)
	// cum is the running total after part i, so that the parts add up exactly.
	cum := func(total, i uint64) uint64 { return total * (i + 1) / n }
	for i := uint64(0); i < n; i++ {
		s := c.start + int64(i)*width
		ch := chunk{start: s, end: min(s+width, c.end)}
		ch.pkts, ch.bytes = cum(c.pkts, i), cum(c.bytes, i)
		ch.pktsRev, ch.bytesRev = cum(c.pktsRev, i), cum(c.bytesRev, i)
		if i > 0 {
			ch.pkts -= cum(c.pkts, i-1)
			ch.bytes -= cum(c.bytes, i-1)
			ch.pktsRev -= cum(c.pktsRev, i-1)
			ch.bytesRev -= cum(c.bytesRev, i-1)
		}
		out = append(out, ch)
	}
	return out
}
