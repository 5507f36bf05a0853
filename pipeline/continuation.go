package pipeline

import (
	"net/netip"
	"sync"
	"time"

	"github.com/weirhq/weir/flow"
)

// continuations recognises the later records of a long connection in formats that
// cut connections into aggregation intervals and do not mark the opening (GCP; AWS
// without tcp-flags): a record whose exporter and 5-tuple were seen ending at most
// maxGap before it starts continues that connection, and stands for no new one.
// It holds across the files of one run, whatever order they are read in; a
// connection that spans two runs is counted in each.
type continuations struct {
	mu     sync.Mutex
	last   map[connKey]time.Time // end of the latest record of each connection
	newest time.Time
}

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
	k := connKey{r.Exporter, r.SrcIP, r.DstIP, r.SrcPort, r.DstPort, r.Proto}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = map[connKey]time.Time{}
	}
	if end, ok := c.last[k]; ok && r.Start.Sub(end) <= maxGap && end.Sub(r.End) <= maxGap {
		r.Flows = 0
		if r.End.After(end) {
			c.last[k] = r.End
		}
		return
	}
	c.last[k] = r.End
	if r.End.After(c.newest) {
		c.newest = r.End
	}
	if len(c.last) > maxTracked {
		for k, end := range c.last {
			if c.newest.Sub(end) > maxGap {
				delete(c.last, k)
			}
		}
	}
}
