package zeek

import (
	"io"
	"net/netip"
	"time"

	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/internal/bytesparse"
)

// Fields of dns.log that the decoder reads, by id.
const (
	dnsTS = iota
	dnsQuery
	dnsAnswers
	dnsTTLs
)

var dnsFields = []string{dnsTS: "ts", dnsQuery: "query", dnsAnswers: "answers", dnsTTLs: "TTLs"}

// DNSDecoder reads passive-DNS observations from a dns.log: one per A or AAAA
// answer. It is used by one goroutine.
type DNSDecoder struct {
	log  *logReader
	now  time.Time
	strs ingest.Strings

	// The answers of the current record still to hand out.
	pending []answer
	time    time.Time
	domain  string

	answers, ttls [][]byte
	tmp, lower    []byte
}

type answer struct {
	ip  netip.Addr
	ttl time.Duration
}

var _ ingest.DNSDecoder = (*DNSDecoder)(nil)

// NewDNSDecoder returns a DNSDecoder reading r. opts.Now bounds plausible times
// (the wall clock when zero).
func NewDNSDecoder(r io.Reader, opts ingest.Options) *DNSDecoder {
	return &DNSDecoder{log: newLogReader(r, opts.Name, dnsFields), now: nowOr(opts.Now)}
}

// Next fills o with the next observation. Queries without an address in their
// answers (NXDOMAIN, CNAME-only, PTR, TXT...) yield nothing and are passed over.
// It returns a *ingest.RecordError for a line it rejects (call Next again), io.EOF
// at the end, or the read error that ended the stream.
func (d *DNSDecoder) Next(o *ingest.DNSObservation) error {
	for len(d.pending) == 0 {
		if err := d.read(); err != nil {
			return err
		}
	}
	a := d.pending[0]
	d.pending = d.pending[1:]
	*o = ingest.DNSObservation{Time: d.time, IP: a.ip, Domain: d.domain, TTL: a.ttl, Source: FormatDNS}
	return nil
}

// read reads one record into pending.
func (d *DNSDecoder) read() error {
	if err := d.log.next(); err != nil {
		return err
	}
	v, pos := d.log.vals, d.log.line()
	d.pending = d.pending[:0]
	if v[dnsQuery] == nil || (v[dnsAnswers] == nil && d.log.arrs[dnsAnswers] == nil) {
		return nil // nothing resolved
	}
	var ok bool
	if d.time, ok = parseTS(v[dnsTS]); !ok || !ingest.PlausibleTime(d.time, d.now) {
		return badTime(pos, v[dnsTS])
	}
	// answers is a set of strings, names and addresses mixed; TTLs is a vector
	// parallel to it.
	d.answers = d.log.appendList(d.answers[:0], dnsAnswers)
	d.ttls = d.log.appendList(d.ttls[:0], dnsTTLs)
	for i, ans := range d.answers {
		ip, ok := bytesparse.Addr(ans)
		if !ok {
			continue // a CNAME target or another record type
		}
		var ttl time.Duration
		if i < len(d.ttls) {
			ttl, _ = parseInterval(d.ttls[i]) // a TTL that does not parse is unknown, 0
		}
		d.pending = append(d.pending, answer{ip.Unmap(), ttl})
	}
	if len(d.pending) > 0 {
		d.lower = domain(d.lower, unescape(d.tmp, v[dnsQuery]))
		d.domain = d.strs.Get(d.lower)
	}
	return nil
}
