// Package ingest holds what every decoder shares: the Decoder contracts, the error
// a rejected record carries, and the string interner that keeps decoding free of
// per-record allocation. The decoders live in ingest/<format>; the runner that
// reads files, detects formats, enriches and stores is package pipeline.
package ingest

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/weirhq/weir/flow"
)

// Decoder reads flow records from one input stream. Next fills r (which it may
// Reset) and returns nil, a *RecordError for a record it rejected (the caller counts
// it and calls Next again), or io.EOF at the end. Any other error means the stream
// itself failed (a truncated gzip, a read error) and nothing more can be read.
// A Decoder is used by one goroutine.
//
// Some inputs yield fewer records than lines (NODATA, headers) and some more (one
// Azure blob line holds many tuples): a Decoder returns records, not lines.
type Decoder interface {
	Next(r *flow.Record) error
}

// DNSDecoder reads passive-DNS observations (IP → domain) from one input stream,
// with the same error contract as Decoder.
type DNSDecoder interface {
	Next(o *DNSObservation) error
}

// DNSObservation says that Domain resolved to IP at Time (from a DNS answer) or that
// a TLS client asked for Domain at IP (SNI). TTL bounds how long the answer holds;
// zero means the source did not say.
type DNSObservation struct {
	Time   time.Time
	IP     netip.Addr
	Domain string
	TTL    time.Duration
	Source string // "zeek-dns", "zeek-ssl", "route53"
}

// RecordError is a rejected record: where it was and what was wrong. Pos is a line
// number (1-based) for line formats, or a byte offset where Unit says so.
type RecordError struct {
	Pos    int64
	Unit   string // "line" or "offset"
	Reason string // a short stable reason, used as a metrics label: "field count", "bad ip", ...
	Detail string // what exactly, for the ingest summary
}

func (e *RecordError) Error() string {
	unit := e.Unit
	if unit == "" {
		unit = "line"
	}
	if e.Detail == "" {
		return fmt.Sprintf("%s %d: %s", unit, e.Pos, e.Reason)
	}
	return fmt.Sprintf("%s %d: %s: %s", unit, e.Pos, e.Reason, e.Detail)
}

// Reject builds a *RecordError for line pos.
func Reject(pos int64, reason, detail string, args ...any) *RecordError {
	if len(args) > 0 {
		detail = fmt.Sprintf(detail, args...)
	}
	return &RecordError{Pos: pos, Unit: "line", Reason: reason, Detail: detail}
}

// IsRecordError reports whether err rejects one record (the stream goes on).
func IsRecordError(err error) bool {
	var re *RecordError
	return errors.As(err, &re)
}

// Limits shared by decoders, so that hostile input cannot make them hang or grow.
const (
	// MaxLine is the longest line a line-based decoder accepts; a longer one is
	// rejected and skipped, and the records after it are still read.
	MaxLine = 4 << 20
)

// Plausible times: a flow before 2000 or more than a day in the future is an absurd
// timestamp, rejected rather than stored.
var (
	MinTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// PlausibleTime reports whether t is a believable flow time relative to now.
func PlausibleTime(t, now time.Time) bool {
	return !t.Before(MinTime) && t.Before(now.Add(24*time.Hour))
}

// Options configure a decoder for one input.
type Options struct {
	// Name is the input's name (a file path or object key), used in exporter ids
	// where the format leaves the account or interface implicit.
	Name string
	// Now bounds plausible timestamps (records more than a day after it are
	// rejected). Injected so that tests and replays of old logs are deterministic.
	Now time.Time
}
