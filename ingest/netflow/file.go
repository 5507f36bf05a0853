package netflow

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// maxPayload is the largest UDP payload (65,535 bytes less the IPv4 and UDP
// headers, rounded up); the reader's buffer holds a whole one.
const maxPayload = 1 << 16

// FileDecoder reads a file of raw export payloads written back to back, as a
// capture tool or a test writes them, and decodes them in order with one Decoder
// (so templates carry over from one payload to the next). Payloads have no
// exporter address: records show "-" in its place. It is used by one goroutine.
type FileDecoder struct {
	in    *bufio.Reader
	d     *Decoder
	name  string
	off   int64 // file offset of the next payload
	queue []flow.Record
	next  int
	err   error // a payload's rejection, returned after its records
	emit  func(*flow.Record)
}

var _ ingest.Decoder = (*FileDecoder)(nil)

// NewFileDecoder returns a FileDecoder reading r; opts are as for NewDecoder, and
// opts.Name names the input in errors.
func NewFileDecoder(r io.Reader, opts ingest.Options) *FileDecoder {
	f := &FileDecoder{in: bufio.NewReaderSize(r, maxPayload+64), d: NewDecoder(opts), name: opts.Name}
	f.emit = func(r *flow.Record) { f.queue = append(f.queue, *r) }
	return f
}

// Next fills r with the next flow. It returns a *ingest.RecordError (Pos a file
// offset) for a payload it rejected or decoded only in part (call Next again),
// io.EOF at the end, or the read error that ended the stream.
func (f *FileDecoder) Next(r *flow.Record) error {
	for {
		if f.next < len(f.queue) {
			*r = f.queue[f.next]
			f.next++
			return nil
		}
		if f.err != nil {
			err := f.err
			f.err = nil
			return err
		}
		f.queue, f.next = f.queue[:0], 0
		if err := f.read(); err != nil {
			return err
		}
	}
}

// read decodes the next payload into the queue, keeping its rejection for after.
func (f *FileDecoder) read() error {
	n, err := f.payloadLen()
	if err != nil {
		var re *ingest.RecordError
		if errors.As(err, &re) {
			// Payloads carry no framing of their own: after one that cannot be
			// measured there is no telling where the next begins.
			re.Pos += f.off
			f.skipRest()
			return re
		}
		return err
	}
	p, err := f.in.Peek(n)
	if len(p) < n {
		if !errors.Is(err, io.EOF) {
			return fmt.Errorf("read %s at offset %d: %w", f.name, f.off, err)
		}
		n = len(p) // the last payload is cut short: the decoder says where
	}
	if err := f.d.Packet(netip.AddrPort{}, p, f.emit); err != nil {
		var re *ingest.RecordError
		if errors.As(err, &re) {
			re.Pos += f.off
		}
		f.err = err
	}
	if _, err := f.in.Discard(n); err != nil {
		return fmt.Errorf("read %s at offset %d: %w", f.name, f.off, err)
	}
	f.off += int64(n)
	return nil
}

func (f *FileDecoder) skipRest() {
	n, _ := io.Copy(io.Discard, f.in)
	f.off += n
}

// payloadLen measures the payload at the reader's position from its own header:
// v5 by its record count, IPFIX by its length, v9 and sFlow by walking their sets
// and samples. It returns io.EOF at the end of the input.
func (f *FileDecoder) payloadLen() (int, error) {
	head, err := f.in.Peek(4)
	if len(head) == 0 {
		if err == nil || errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("read %s at offset %d: %w", f.name, f.off, err)
	}
	if len(head) < 4 {
		return 0, reject(0, "truncated", "%d bytes left, too few for a header", len(head))
	}
	switch binary.BigEndian.Uint16(head) {
	case 5:
		count := int(binary.BigEndian.Uint16(head[2:]))
		if count == 0 || count > maxV5Count {
			return 0, reject(2, "bad header", "v5 record count %d", count)
		}
		return v5Header + count*v5Record, nil
	case 10:
		if n := int(binary.BigEndian.Uint16(head[2:])); n >= ipfixHeader {
			return n, nil
		}
		return 0, reject(2, "bad header", "IPFIX message length %d", binary.BigEndian.Uint16(head[2:]))
	case 9:
		return f.v9Len(), nil
	case 0:
		if binary.BigEndian.Uint32(head) == 5 {
			return f.sflowLen(), nil
		}
	}
	return 0, reject(0, "bad version", "version %d", binary.BigEndian.Uint16(head))
}

// v9Len walks the sets of a v9 packet. A v9 header has no length, but a set id from
// 2 to 255 cannot follow in the same packet and is where the next one begins
// (versions 5, 9 and 10 all fall there).
func (f *FileDecoder) v9Len() int {
	off := v9Header
	for off < maxPayload {
		b, _ := f.in.Peek(off + 4)
		if len(b) < off+4 {
			return min(len(b), max(off, v9Header))
		}
		id, length := binary.BigEndian.Uint16(b[off:]), int(binary.BigEndian.Uint16(b[off+2:]))
		// A template set too short for one template is the word 5 that starts an
		// sFlow datagram; a bad length otherwise is the decoder's to report.
		if !isV9Set(id) || length < 4 || (id < 256 && length < 8) {
			return off
		}
		off += length
	}
	return min(off, maxPayload)
}

// sflowLen walks the samples of an sFlow datagram, each prefixed by its length.
func (f *FileDecoder) sflowLen() int {
	b, _ := f.in.Peek(maxPayload)
	x := xdr{b: b[4:], ok: true}
	switch x.u32() {
	case 1:
		x.bytes(4)
	case 2:
		x.bytes(16)
	}
	x.u32()
	x.u32()
	x.u32()
	n := x.u32()
	for i := uint32(0); i < n && x.ok; i++ {
		x.u32()
		x.bytes(int(x.u32()))
	}
	if !x.ok {
		return len(b) // the decoder reports it truncated
	}
	return len(b) - len(x.b)
}

// Clone returns a Decoder that starts with a copy of d's templates and domain
// options, and goes on independently.
func (d *Decoder) Clone() *Decoder {
	c := &Decoder{now: d.now, templates: make(map[templateKey]*template, len(d.templates)),
		domains: make(map[domainKey]*domainState, len(d.domains))}
	for k, t := range d.templates {
		c.templates[k] = t // templates are replaced, never changed, once parsed
	}
	for k, s := range d.domains {
		v := *s
		c.domains[k] = &v
	}
	return c
}

// Learn reads the payloads in r for their templates and options only, so that
// files of data saved apart from the files of their templates can be decoded.
func (d *Decoder) Learn(r io.Reader, name string) error {
	f := &FileDecoder{in: bufio.NewReaderSize(r, maxPayload+64), d: d, name: name}
	f.emit = func(*flow.Record) {}
	for {
		f.queue, f.next = f.queue[:0], 0
		err := f.read()
		if err == io.EOF {
			return nil
		}
		var re *ingest.RecordError
		if err != nil && !errors.As(err, &re) {
			return err
		}
	}
}

// NewFileDecoderFrom is NewFileDecoder starting from a copy of d's templates.
func NewFileDecoderFrom(r io.Reader, opts ingest.Options, d *Decoder) *FileDecoder {
	f := NewFileDecoder(r, opts)
	f.d = d.Clone()
	return f
}
