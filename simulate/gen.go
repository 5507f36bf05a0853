package simulate

import (
	"math"
	"math/rand/v2"
)

// gen builds connections from one random stream; background and scenarios each
// have their own, so that changing one does not move the other.
type gen struct {
	r        *rand.Rand
	startUS  int64 // window start
	endUS    int64 // window end
	lastEnd  int64 // no connection may end after this (the window end less a margin)
	scenario int
}

func newGen(r *rand.Rand, start, end int64) *gen {
	return &gen{r: r, startUS: start, endUS: end, lastEnd: end - 150*usPerSec, scenario: -1}
}

func wl(w *workload) endpoint         { return endpoint{ip: w.ip, w: w} }
func (g *gen) rm(rm *remote) endpoint { return endpoint{ip: rm.pick(g.r), r: rm} }

// ephemeral is a client port as the source's OS picks them.
func (g *gen) ephemeral(src endpoint) uint16 {
	if src.w != nil && src.w.windows {
		return uint16(49152 + g.r.IntN(16383))
	}
	return uint16(32768 + g.r.IntN(28232))
}

// between is a log-uniform value in [lo, hi]: many small, a few large, as traffic is.
func (g *gen) between(lo, hi float64) float64 {
	if hi <= lo {
		return lo
	}
	return math.Exp(math.Log(lo) + g.r.Float64()*(math.Log(hi)-math.Log(lo)))
}

// count draws how many events happen when mean are expected, with day-to-day noise.
func (g *gen) count(mean float64) int {
	if mean <= 0 {
		return 0
	}
	mean *= 0.8 + 0.4*g.r.Float64()
	n := int(mean)
	if g.r.Float64() < mean-float64(n) {
		n++
	}
	return n
}

// tcp builds an established TCP connection of dur seconds carrying out bytes from
// src and in bytes back.
func (g *gen) tcp(at int64, src, dst endpoint, dport uint16, dur float64, out, in uint64) conn {
	c := conn{start: at, src: src, dst: dst, sport: g.ephemeral(src), dport: dport, proto: protoTCP,
		bytes: out, bytesRev: in, outcome: established, scen: g.scenario}
	c.end = at + int64(dur*float64(usPerSec))
	c.pkts = packets(out, 3)
	c.pktsRev = packets(in, 2)
	g.clamp(&c)
	return c
}

// udp builds a request/response UDP exchange.
func (g *gen) udp(at int64, src, dst endpoint, dport uint16, out, in uint64) conn {
	c := conn{start: at, src: src, dst: dst, sport: g.ephemeral(src), dport: dport, proto: protoUDP,
		bytes: out, bytesRev: in, pkts: packets(out, 1), pktsRev: packets(in, 1), outcome: established, scen: g.scenario}
	c.end = at + 1000 + g.r.Int64N(40000)
	g.clamp(&c)
	return c
}

// attempt builds a TCP connection attempt that did not get through: denied by a
// firewall, reset by the host, or unanswered.
func (g *gen) attempt(at int64, src, dst endpoint, dport uint16, o outcome) conn {
	c := conn{start: at, src: src, dst: dst, sport: g.ephemeral(src), dport: dport, proto: protoTCP,
		outcome: o, scen: g.scenario}
	switch o {
	case reset:
		c.pkts, c.bytes, c.pktsRev, c.bytesRev = 1, 60, 1, 40
		c.end = at + 300 + g.r.Int64N(3000)
	default:
		c.pkts = uint64(1 + g.r.IntN(3)) // SYN and its retransmissions
		c.bytes = c.pkts * 60
		c.end = at + int64(c.pkts-1)*1000000
	}
	g.clamp(&c)
	return c
}

// packets is a believable packet count for bytes (about 1 kB per packet, at least lo).
func packets(bytes, lo uint64) uint64 {
	return max(bytes/1100+lo, 1)
}

// clamp keeps c inside the window, so that no writer produces a file past its end.
func (g *gen) clamp(c *conn) {
	if c.end > g.lastEnd {
		c.end = g.lastEnd
	}
	if c.start > c.end {
		c.start = c.end
	}
}

// at returns a random time in [from, from+span).
func (g *gen) at(from, span int64) int64 {
	if span <= 0 {
		return from
	}
	return from + g.r.Int64N(span)
}
