package netflow

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// Limits that keep hostile or broken exporters from growing the decoder's state.
const (
	maxTemplates = 1 << 16 // templates kept over all exporters
	maxDomains   = 1 << 14 // (exporter, observation domain) pairs with options state
	maxV5Count   = 1024    // records in one v5 packet (the format's own limit is 30)
)

// Decoder decodes UDP payloads of NetFlow v5/v9, IPFIX and sFlow v5 into flow
// records. It keeps the v9/IPFIX templates and options each exporter announced, so
// one Decoder must see every packet of an exporter, in order. It is used by one
// goroutine.
type Decoder struct {
	now       time.Time // fixed clock for tests and replays; zero means the wall clock
	templates map[templateKey]*template
	domains   map[domainKey]*domainState
	strs      ingest.Strings
	rec       flow.Record
	tmp       []byte
	fields    []field // scratch for parsing one template
}

// domainKey names one exporter's observation domain (IPFIX), source id (v9),
// engine id (v5) or sub-agent (sFlow).
type domainKey struct {
	addr    netip.Addr
	version uint16
	domain  uint32
}

// domainState is what an exporter's options records told us about a domain.
type domainState struct {
	sysInitMillis uint64 // IPFIX systemInitTimeMilliseconds: the epoch of *SysUpTime fields
	sampling      uint64 // packets per sampled packet, 0 or 1 when not sampled
}

// NewDecoder returns a Decoder. opts.Now, when set, is the clock for records whose
// format carries no wall-clock time (sFlow) and the bound of plausible times; when
// zero the wall clock is read per packet, as a live collector needs.
func NewDecoder(opts ingest.Options) *Decoder {
	return &Decoder{
		now:       opts.Now,
		templates: make(map[templateKey]*template),
		domains:   make(map[domainKey]*domainState),
	}
}

// Packet decodes one UDP payload sent by exporter and calls emit for each flow in
// it, with a record that is reused after emit returns. It returns nil or a
// *ingest.RecordError whose Pos is a byte offset in payload: the packet was
// rejected (bad version, truncated, bad set), or some of it was skipped (data sets
// for a template not yet announced, records with implausible times) after the rest
// was emitted. Templates and options in the packet are kept either way.
func (d *Decoder) Packet(exporter netip.AddrPort, payload []byte, emit func(*flow.Record)) error {
	if len(payload) < 4 {
		return reject(0, "truncated", "payload of %d bytes", len(payload))
	}
	addr := exporter.Addr().Unmap()
	switch binary.BigEndian.Uint16(payload) {
	case 5:
		return d.v5(addr, payload, emit)
	case 9:
		return d.v9(addr, payload, emit)
	case 10:
		return d.ipfix(addr, payload, emit)
	case 0:
		if binary.BigEndian.Uint32(payload) == 5 {
			return d.sflow(payload, emit)
		}
	}
	return reject(0, "bad version", "version %d", binary.BigEndian.Uint16(payload))
}

func reject(pos int, reason, detail string, args ...any) *ingest.RecordError {
	e := ingest.Reject(int64(pos), reason, detail, args...)
	e.Unit = "offset"
	return e
}

// clock is the time of the packet being decoded.
func (d *Decoder) clock() time.Time {
	if d.now.IsZero() {
		return time.Now()
	}
	return d.now
}

// exporterID builds "<format>/<addr>/<domain>" once per packet and interns it. An
// exporter without an address (a replayed file) shows as "-".
func (d *Decoder) exporterID(format string, addr netip.Addr, domain uint32) string {
	b := append(d.tmp[:0], format...)
	b = append(b, '/')
	if addr.IsValid() {
		b = addr.AppendTo(b)
	} else {
		b = append(b, '-')
	}
	b = append(b, '/')
	b = strconv.AppendUint(b, uint64(domain), 10)
	d.tmp = b
	return d.strs.Get(b)
}

// domain returns the options state of one domain, creating it unless the table
// is full (then nil: the domain's options are not remembered).
func (d *Decoder) domain(k domainKey, create bool) *domainState {
	if s, ok := d.domains[k]; ok {
		return s
	}
	if !create || len(d.domains) >= maxDomains {
		return nil
	}
	s := &domainState{}
	d.domains[k] = s
	return s
}

// start fills the fields every record of a packet shares.
func (d *Decoder) start(format, exporter string) *flow.Record {
	r := &d.rec
	r.Reset()
	r.Format = format
	r.Exporter = exporter
	r.Cloud = "onprem"
	r.Flows = 1
	r.Action = flow.Allow
	r.Reporter = flow.ReporterUnknown
	return r
}

// plausible reports whether r's times are believable, after making End >= Start
// (an exporter whose clock steps back can report a last-switched before the first).
func (d *Decoder) plausible(r *flow.Record, now time.Time) bool {
	if r.End.Before(r.Start) {
		r.End = r.Start
	}
	return ingest.PlausibleTime(r.Start, now) && ingest.PlausibleTime(r.End, now)
}

// skipped collects what a packet dropped without rejecting it, for the one error
// Packet returns at the end.
type skipped struct {
	pos       int
	templates int    // data sets without a template
	template  uint16 // the first such template id
	badTime   int    // records with implausible times
	domain    string
}

func (s *skipped) err() error {
	switch {
	case s.templates > 0:
		return reject(s.pos, "unknown template", "%d data sets of %s skipped, first for template %d", s.templates, s.domain, s.template)
	case s.badTime > 0:
		return reject(s.pos, "bad time", "%d records of %s with implausible times dropped", s.badTime, s.domain)
	}
	return nil
}
