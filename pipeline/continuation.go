package pipeline

import (
	"net/netip"
	"time"

	"github.com/weirhq/weir/flow"
)

// continuations recognises the later records of a long connection in formats that
// cut connections into aggregation intervals and do not mark the opening (GCP; AWS
// without tcp-flags): a record whose exporter and 5-tuple were seen ending at most
// maxGap before it starts continues that connection, and stands for no new one.
// One tracker serves one input, so that its answers depend on that input alone:
// the same whatever order the files are read in, and the same when a run resumes
// a file after a crash (the records skipped up to the resume point go through the
// tracker again). The price: a connection that spans two files (GCP writes one an
// hour) is counted in each.
type continuations struct {
	spans  map[connKey]span
	newest time.Time
}

// span is the time a connection's records cover so far.
type span struct{ start, end time.Time }

type connKey struct {
	exporter     string
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
}

// maxGap is the longest aggregation interval of the clouds' flow logs (GCP's
// 15 minutes), with a minute of slack for delivery.
const maxGap = 16 * time.Minute

// maxTracked bounds the memory: past it, connections idle for maxGap are dropped.
const maxTracked = 1 << 20

// needsTracking says which records the tracker decides: unidirectional formats
// whose records do not say whether they open a connection.
func needsTracking(r *flow.Record) bool {
	switch r.Format {
	case "gcp-vpc":
		return true
	case "aws-vpc":
		return r.Proto != flow.ProtoTCP || r.TCPFlags == 0 && r.Flows == 1
	}
	return false
}

// mark sets r.Flows to 0 when r continues a connection already seen.
func (c *continuations) mark(r *flow.Record) {
	if r.Flows == 0 || !needsTracking(r) {
		return
	}
	if c.observe(connKey{r.Exporter, r.SrcIP, r.DstIP, r.SrcPort, r.DstPort, r.Proto}, r.Start, r.End) {
		r.Flows = 0
	}
}

// observe adds a record's interval to its connection and reports whether the
// connection was already known.
func (c *continuations) observe(k connKey, start, end time.Time) (known bool) {
	if c.spans == nil {
		c.spans = map[connKey]span{}
	}
	sp, ok := c.spans[k]
	if ok && start.Sub(sp.end) <= maxGap && sp.start.Sub(end) <= maxGap {
		if start.Before(sp.start) {
			sp.start = start
		}
		if end.After(sp.end) {
			sp.end = end
		}
		c.spans[k] = sp
		return true
	}
	c.spans[k] = span{start, end}
	if end.After(c.newest) {
		c.newest = end
	}
	if len(c.spans) > maxTracked {
		for k, sp := range c.spans {
			if c.newest.Sub(sp.end) > maxGap {
				delete(c.spans, k)
			}
		}
	}
	return false
}
