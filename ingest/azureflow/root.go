// Package azureflow decodes Azure flow logs: VNet flow logs v4 and NSG flow logs
// (v2, and v1 tuples), in the blob form {"records":[...]} that Azure writes to
// storage and in the one-record-per-line form that log shippers produce, deciding
// the kind per record. Each flow tuple becomes one flow.Record.
//
// It owns reading the JSON and the tuple layouts, the counting rule for B/C/E
// tuples and the origin fields (subscription, region, VNet or NSG, NIC). It does
// not fetch blobs from storage, detect the format of a file beyond Detect, merge
// a connection seen by the NICs at both ends (the Reporter field lets the store do
// that), or enrich anything.
package azureflow

import (
	"fmt"
	"io"
	"time"

	"github.com/valyala/fastjson"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// Format names, as in flow.Record.Format and on the command line.
const (
	FormatVNet = "azure-vnet"
	FormatNSG  = "azure-nsg"
)

type kind uint8

const (
	kindNone kind = iota
	kindVNet
	kindNSG
)

// Stats counts what a Decoder has read.
type Stats struct {
	Records  int64 // JSON records (one NIC or NSG for one interval) decoded
	Tuples   int64 // flow tuples met, accepted or not
	Rejected int64 // RecordErrors returned: bad tuples and skipped input
}

// Decoder reads Azure flow log records from one input. It is used by one goroutine.
type Decoder struct {
	sc   scanner
	p    fastjson.Parser
	strs ingest.Strings
	now  time.Time

	// The JSON record being emitted and where its iteration stands: the outer
	// list (flowRecords.flows or properties.flows), the inner one (flowGroups or
	// flows[].flows) and the tuples.
	pos        position
	kind       kind
	nsgVersion int
	origin     origin
	instance   string            // the NIC of the current tuples
	recs       []*fastjson.Value // records of a wrapper that was read whole (see loadRecord)
	ri         int
	outer      []*fastjson.Value
	oi         int
	inner      []*fastjson.Value
	ii         int
	tuples     []*fastjson.Value
	ti         int

	scratch []byte
	stats   Stats
}

var _ ingest.Decoder = (*Decoder)(nil)

// NewDecoder returns a Decoder reading r. opts.Now bounds plausible tuple times;
// when it is zero the wall clock at this call stands in.
func NewDecoder(r io.Reader, opts ingest.Options) *Decoder {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	return &Decoder{sc: newScanner(r), now: now}
}

// Stats returns the counts so far.
func (d *Decoder) Stats() Stats { return d.stats }

// Next fills r with the next tuple. It returns a *ingest.RecordError for a tuple or
// a stretch of input it rejected (call Next again), io.EOF at the end, or the
// reader's error.
func (d *Decoder) Next(r *flow.Record) error {
	for {
		t, err := d.nextTuple()
		if err != nil {
			d.stats.Rejected++
			return err
		}
		if t == nil {
			if err := d.loadRecord(); err != nil {
				if ingest.IsRecordError(err) {
					d.stats.Rejected++
				}
				return err
			}
			continue
		}
		d.stats.Tuples++
		raw, err := t.StringBytes()
		if err != nil {
			d.stats.Rejected++
			return d.pos.reject("bad tuple", "%s is not a string", d.where())
		}
		r.Reset()
		r.Format = d.origin.format
		r.Exporter = d.origin.exporter
		r.Cloud = "azure"
		r.Account = d.origin.account
		r.Region = d.origin.region
		r.VPC = d.origin.vpc
		if f := d.tuple(raw, r); f.reason != "" {
			d.stats.Rejected++
			return d.pos.reject(f.reason, "%s: %s %q", d.where(), f.field, clip(f.value))
		}
		return nil
	}
}

// nextTuple steps through the current record's lists and returns the next tuple,
// nil when the record is exhausted, or an error for a record it cannot read.
func (d *Decoder) nextTuple() (*fastjson.Value, error) {
	for {
		switch {
		case d.ti < len(d.tuples):
			d.ti++
			return d.tuples[d.ti-1], nil
		case d.ii < len(d.inner):
			g := d.inner[d.ii]
			d.ii++
			d.tuples, d.ti = g.GetArray("flowTuples"), 0
			if d.kind == kindNSG {
				d.instance = d.nsgInstance(g)
			}
		case d.oi < len(d.outer):
			f := d.outer[d.oi]
			d.oi++
			list := "flowGroups"
			if d.kind == kindNSG {
				list = "flows"
			}
			d.inner, d.ii = f.GetArray(list), 0
			d.tuples, d.ti = nil, 0
		case d.ri < len(d.recs):
			d.ri++
			if err := d.enterRecord(d.recs[d.ri-1]); err != nil {
				return nil, err
			}
		default:
			return nil, nil
		}
	}
}

// loadRecord reads the next JSON record from the input.
func (d *Decoder) loadRecord() error {
	d.recs, d.ri = nil, 0
	d.outer, d.inner, d.tuples = nil, nil, nil
	d.kind = kindNone
	raw, pos, err := d.sc.next()
	if err != nil {
		if err == io.EOF || ingest.IsRecordError(err) {
			return err
		}
		return fmt.Errorf("read azure flow log: %w", err)
	}
	d.pos = pos
	v, err := d.p.ParseBytes(raw)
	if err != nil {
		return pos.reject("bad json", "%v", err)
	}
	// A blob whose first key is not "records" reaches here whole; its records are
	// then read from memory, which a blob written by Azure never needs.
	if recs := v.GetArray("records"); recs != nil && !v.Exists("flowRecords") && !v.Exists("properties") {
		d.recs = recs
		return nil
	}
	return d.enterRecord(v)
}

// enterRecord starts iterating one record, deciding its kind from its shape.
func (d *Decoder) enterRecord(v *fastjson.Value) error {
	d.outer, d.oi = nil, 0
	d.inner, d.ii = nil, 0
	d.tuples, d.ti = nil, 0
	switch {
	case v.Exists("flowRecords") || v.Exists("flowLogVersion"):
		d.kind = kindVNet
		d.origin = d.vnetOrigin(v)
		d.instance = d.origin.instance
		d.outer = v.GetArray("flowRecords", "flows")
	case v.Exists("properties", "flows"):
		d.kind = kindNSG
		d.nsgVersion = v.GetInt("properties", "Version")
		d.origin = d.nsgOrigin(v)
		d.outer = v.GetArray("properties", "flows")
	default:
		d.kind = kindNone
		return d.pos.reject("unknown record", "neither a VNet flow log record (flowRecords) nor an NSG one (properties.flows)")
	}
	d.stats.Records++
	return nil
}

// where names the tuple being read, for error details.
func (d *Decoder) where() string {
	if d.kind == kindNSG {
		return fmt.Sprintf("properties.flows[%d].flows[%d].flowTuples[%d]", d.oi-1, d.ii-1, d.ti-1)
	}
	return fmt.Sprintf("flowRecords.flows[%d].flowGroups[%d].flowTuples[%d]", d.oi-1, d.ii-1, d.ti-1)
}

// clip shortens a value quoted in an error detail.
func clip(b []byte) []byte {
	const n = 64
	if len(b) > n {
		return b[:n]
	}
	return b
}
