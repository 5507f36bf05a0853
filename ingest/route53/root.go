// Package route53 decodes AWS Route 53 Resolver query logs (JSON, one query per
// line, as Resolver writes them to S3 or CloudWatch Logs) into passive-DNS
// observations: one ingest.DNSObservation per A or AAAA answer, saying that the
// queried name resolved to that address. It does not keep the IP → domain table
// (enrich/dns does), read CNAME chains, or decode other DNS logs.
package route53

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/valyala/fastjson"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/internal/bytesparse"
	"github.com/weirhq/weir/ingest/internal/lines"
)

// Format is the name of this format in weir (--format, DNSObservation.Source).
const Format = "route53"

var _ ingest.DNSDecoder = (*Decoder)(nil)

// Limits against hostile lines.
const (
	maxAnswers = 1024 // A/AAAA answers kept from one line; a DNS reply has far fewer
	maxDomain  = 255  // longest name in presentation form
)

// Stats counts what a Decoder read without returning it as an observation or error.
type Stats struct {
	// NoAnswer counts queries without an A or AAAA answer (NXDOMAIN, CNAME-only,
	// MX, TXT…): they say nothing about which address a name has.
	NoAnswer int64
}

// Decoder reads Resolver query log lines. It is used by one goroutine.
type Decoder struct {
	lines lines.Reader
	name  string
	now   time.Time
	p     fastjson.Parser
	strs  ingest.Strings
	lower []byte

	// Answers of the current line not yet returned.
	pending []netip.Addr
	next    int
	time    time.Time
	domain  string

	stats Stats
}

// NewDecoder returns a Decoder reading r. opts.Now bounds plausible times; when it
// is zero the wall clock at this call stands in.
func NewDecoder(r io.Reader, opts ingest.Options) *Decoder {
	d := &Decoder{lines: lines.NewReader(r, ingest.MaxLine), name: opts.Name, now: opts.Now}
	if d.now.IsZero() {
		d.now = time.Now()
	}
	return d
}

// Stats returns the counts so far.
func (d *Decoder) Stats() Stats { return d.stats }

// Next fills o with the next observation. It returns a *ingest.RecordError for a
// rejected line (call Next again for the one after), io.EOF at the end, or another
// error when the stream itself failed.
func (d *Decoder) Next(o *ingest.DNSObservation) error {
	for d.next >= len(d.pending) {
		line, err := d.lines.Next()
		switch {
		case err == lines.ErrTooLong:
			return ingest.Reject(d.lines.Line(), "line too long", "longer than %d bytes", ingest.MaxLine)
		case err == io.EOF:
			return io.EOF
		case err != nil:
			return fmt.Errorf("read %s line %d: %w", d.name, d.lines.Line()+1, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if rerr := d.parse(line); rerr != nil {
			d.pending = d.pending[:0] // a rejected line yields nothing, not part of its answers
			return rerr
		}
	}
	*o = ingest.DNSObservation{
		Time:   d.time,
		IP:     d.pending[d.next],
		Domain: d.domain,
		Source: Format,
	}
	d.next++
	return nil
}

// parse reads one line into the pending answers; a line without A or AAAA answers
// leaves none and is counted.
func (d *Decoder) parse(line []byte) *ingest.RecordError {
	pos := d.lines.Line()
	d.pending, d.next = d.pending[:0], 0
	v, err := d.p.ParseBytes(line)
	if err != nil {
		return ingest.Reject(pos, "bad json", "%s", clip(err.Error()))
	}
	if v.Type() != fastjson.TypeObject {
		return ingest.Reject(pos, "bad json", "JSON %s, not an object", v.Type())
	}
	ts := v.GetStringBytes("query_timestamp")
	if ts == nil {
		return ingest.Reject(pos, "missing field", "query_timestamp")
	}
	t, ok := bytesparse.StrictTime(ts)
	if !ok {
		return ingest.Reject(pos, "bad time", "%q", clip(string(ts)))
	}
	if !ingest.PlausibleTime(t, d.now) {
		return ingest.Reject(pos, "bad time", "%s", t.Format(time.RFC3339))
	}
	name := v.GetStringBytes("query_name")
	if name == nil {
		return ingest.Reject(pos, "missing field", "query_name")
	}

	for _, a := range v.GetArray("answers") {
		typ := a.GetStringBytes("Type")
		v6 := string(typ) == "AAAA"
		if !v6 && string(typ) != "A" {
			continue
		}
		rdata := a.GetStringBytes("Rdata")
		ip, ok := bytesparse.UnzonedAddr(rdata)
		if !ok || ip.Is6() != v6 {
			return ingest.Reject(pos, "bad ip", "%s answer %q", typ, clip(string(rdata)))
		}
		if len(d.pending) == maxAnswers {
			return ingest.Reject(pos, "too many answers", "more than %d A/AAAA answers", maxAnswers)
		}
		d.pending = append(d.pending, ip)
	}
	if len(d.pending) == 0 {
		d.stats.NoAnswer++
		return nil
	}

	domain, ok := d.lowerDomain(name)
	if !ok {
		return ingest.Reject(pos, "bad domain", "%q", clip(string(name)))
	}
	d.time = t
	d.domain = domain
	return nil
}

// lowerDomain returns name without its trailing dot, in lower case, interned. It
// refuses an empty name, one too long for DNS, or one with spaces or control
// characters (Resolver escapes those as \DDD, so raw ones mean garbage).
func (d *Decoder) lowerDomain(name []byte) (string, bool) {
	if n := len(name); n > 0 && name[n-1] == '.' {
		name = name[:n-1]
	}
	if len(name) == 0 || len(name) > maxDomain {
		return "", false
	}
	d.lower = d.lower[:0]
	for _, c := range name {
		switch {
		case c <= ' ' || c >= 0x7f:
			return "", false
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		d.lower = append(d.lower, c)
	}
	return d.strs.Get(d.lower), true
}

// Detect reports whether head, the start of a decompressed input, is a Resolver
// query log: its first line is a JSON object with query_name and query_timestamp.
func Detect(head []byte) bool {
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		return line[0] == '{' &&
			bytes.Contains(line, []byte(`"query_name"`)) &&
			bytes.Contains(line, []byte(`"query_timestamp"`))
	}
	return false
}

// clip shortens a value quoted in an error, so that a megabyte of garbage does not
// end up in the ingest summary.
func clip(s string) string {
	const max = 128
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
