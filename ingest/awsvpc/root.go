// Package awsvpc decodes AWS VPC Flow Logs in their text form (the files AWS writes
// to S3 and the lines of a CloudWatch Logs export) into flow.Records: the v2
// default format, custom formats named by a header line, every field of versions
// 2–8, IPv4 and IPv6. It skips NODATA and SKIPDATA records and rejects bad lines
// one by one. It does not open files, decompress, detect other formats or enrich:
// the pipeline does, and hands it a decompressed stream.
package awsvpc

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/internal/lines"
)

// Format is the name of this format in weir (--format, flow.Record.Format).
const Format = "aws-vpc"

var _ ingest.Decoder = (*Decoder)(nil)

// Stats counts what a Decoder read without returning it as a record or an error.
type Stats struct {
	Headers  int64 // header lines (a custom format's field names)
	NoData   int64 // NODATA records: the ENI had no traffic in the window
	SkipData int64 // SKIPDATA records: AWS dropped records in the window
}

// Decoder reads VPC Flow Log lines. It is used by one goroutine.
type Decoder struct {
	lines lines.Reader
	name  string
	now   time.Time
	strs  ingest.Strings

	// Account and region from the object key, for lines that lack them.
	keyAccount, keyRegion string

	header  layout  // the format named by the last header line
	current *layout // &header once a header was seen; nil: pick by column count
	toks    [maxColumns][]byte

	account, iface, vpc, region, instance, exporter lastString
	expBuf                                          []byte

	stats Stats
}

// NewDecoder returns a Decoder reading r. opts.Name, when it is an S3 key of the
// AWSLogs/<account>/vpcflowlogs/<region>/ form, supplies the account and region of
// lines whose format lacks them. opts.Now bounds plausible times; when it is zero
// the wall clock at this call stands in, so that a caller who forgot it does not see
// every record rejected.
func NewDecoder(r io.Reader, opts ingest.Options) *Decoder {
	d := &Decoder{lines: lines.NewReader(r, ingest.MaxLine), name: opts.Name, now: opts.Now}
	if d.now.IsZero() {
		d.now = time.Now()
	}
	acc, reg := keyOrigin(opts.Name)
	d.keyAccount = d.strs.GetString(acc)
	d.keyRegion = d.strs.GetString(reg)
	return d
}

// Stats returns the counts so far.
func (d *Decoder) Stats() Stats { return d.stats }

// Next fills r with the next flow record. It returns a *ingest.RecordError for a
// rejected line (call Next again for the one after), io.EOF at the end, or another
// error when the stream itself failed.
func (d *Decoder) Next(r *flow.Record) error {
	for {
		line, err := d.lines.Next()
		switch {
		case err == lines.ErrTooLong:
			return ingest.Reject(d.lines.Line(), "line too long", "longer than %d bytes", ingest.MaxLine)
		case err == io.EOF:
			return io.EOF
		case err != nil:
			return fmt.Errorf("read %s line %d: %w", d.name, d.lines.Line()+1, err)
		}
		n := split(line, &d.toks)
		if n == 0 {
			continue // blank line
		}
		if n > maxColumns {
			return ingest.Reject(d.lines.Line(), "field count", "more than %d fields", maxColumns)
		}
		toks := d.toks[:n]
		// Only a line starting with a lower-case letter can be a header; data lines
		// usually start with the version digit, so they skip the check.
		if c := toks[0][0]; c >= 'a' && c <= 'z' || c == '$' {
			if parseHeader(toks, &d.header) {
				d.current = &d.header
				d.stats.Headers++
				continue
			}
		}
		l := d.current
		if l == nil {
			l = headerless[n]
			if l == nil {
				return ingest.Reject(d.lines.Line(), "field count",
					"%d fields and no header line; the default format has 14", n)
			}
		} else if n != l.n {
			return ingest.Reject(d.lines.Line(), "field count", "%d fields, the header names %d", n, l.n)
		}
		skip, rerr := d.record(r, toks, l)
		if rerr != nil {
			return rerr
		}
		if !skip {
			return nil
		}
	}
}

// Detect reports whether head, the start of a decompressed input, is VPC Flow Logs
// text: its first line is a header of known field names, or a record of the v2
// default format (or the headerless all-fields formats).
func Detect(head []byte) bool {
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		var toks [maxColumns][]byte
		n := split(line, &toks)
		if n == 0 {
			continue
		}
		if n > maxColumns {
			return false
		}
		var l layout
		if parseHeader(toks[:n], &l) {
			return true
		}
		return looksLikeRecord(toks[:n])
	}
	return false
}

// looksLikeRecord checks the fields of a headerless line that identify the format:
// a one-digit version, an ENI (or '-') and a known log status.
func looksLikeRecord(toks [][]byte) bool {
	if headerless[len(toks)] == nil {
		return false
	}
	v := toks[fVersion-fVersion]
	if len(v) != 1 || v[0] < '2' || v[0] > '9' {
		return false
	}
	eni := toks[fInterfaceID-fVersion]
	if !bytes.HasPrefix(eni, []byte("eni-")) && !isDash(eni) {
		return false
	}
	switch string(toks[fLogStatus-fVersion]) {
	case "OK", "NODATA", "SKIPDATA":
		return true
	}
	return false
}

func isDash(b []byte) bool { return len(b) == 1 && b[0] == '-' }
