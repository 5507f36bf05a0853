package azureflow

import (
	"bytes"
	"errors"
	"io"

	"github.com/weirhq/weir/ingest"
)

// maxRecord bounds one JSON record (one NIC or NSG for one interval). A busy NIC's
// minute is well under a megabyte; a record past this is rejected and skipped
// without being held, so a hostile 100 MB line costs no more than this in memory.
const maxRecord = 32 << 20

// readChunk is how much the scanner asks the reader for at a time.
const readChunk = 64 << 10

// scanner cuts a stream into JSON records without decoding them: the elements of a
// blob's {"records":[...]} array, streamed one at a time, or top-level objects one
// after another (one record per line, or pretty-printed). It holds at most one
// record in memory, so a blob of tens of MB is read in record-sized pieces.
//
// It only matches braces and string quotes; fastjson validates what it cuts out.
// Every call consumes input or ends the stream, so hostile input cannot make it spin.
type scanner struct {
	rd     io.Reader
	buf    []byte
	r, w   int   // the unread bytes are buf[r:w]
	off    int64 // input offset of buf[r]
	line   int64 // line number of buf[r], 1-based
	err    error // sticky read error; io.EOF at the end of the input
	inBlob bool  // between the elements of a {"records":[...]} array
	limit  int   // largest record held; maxRecord except in tests
}

// position says where a record started: a line for the one-record-per-line form, a
// byte offset inside a blob (a blob is often a single line).
type position struct {
	pos  int64
	unit string
}

func (p position) reject(reason, detail string, args ...any) *ingest.RecordError {
	e := ingest.Reject(p.pos, reason, detail, args...)
	e.Unit = p.unit
	return e
}

func newScanner(rd io.Reader) scanner {
	return scanner{rd: rd, buf: make([]byte, readChunk), line: 1, limit: maxRecord}
}

// here is the position of the next unread byte.
func (s *scanner) here() position {
	if s.inBlob {
		return position{s.off, "offset"}
	}
	return position{s.line, "line"}
}

// next returns the next record's bytes (valid until the following call) and where
// it started; a *ingest.RecordError for input it skipped; io.EOF at the end; or the
// reader's error once everything read before it has been returned.
func (s *scanner) next() ([]byte, position, error) {
	for {
		if !s.skipSpace() {
			if s.inBlob && s.endErr() == io.EOF {
				s.inBlob = false
				return nil, s.here(), s.here().reject("truncated", "the records array of the blob is not closed")
			}
			return nil, s.here(), s.endErr()
		}
		c := s.buf[s.r]
		if s.inBlob {
			switch c {
			case ',':
				s.advance(1)
				continue
			case ']':
				s.advance(1)
				s.inBlob = false
				s.closeWrapper()
				continue
			case '{':
				return s.object()
			}
			p := s.here()
			s.skipUntil2('{', ']')
			return nil, p, p.reject("not json", "unexpected %q between records", c)
		}
		if c == '{' {
			if s.wrapperStart() {
				s.inBlob = true
				continue
			}
			return s.object()
		}
		p := s.here()
		s.skipLine()
		return nil, p, p.reject("not json", "a record starts with '{', not %q", c)
	}
}

func (s *scanner) endErr() error {
	if s.err == nil || errors.Is(s.err, io.EOF) {
		return io.EOF
	}
	return s.err
}

// fill reads more input after the unread bytes, compacting or growing the buffer as
// needed. It reports false when nothing more can be read.
func (s *scanner) fill() bool {
	if s.err != nil {
		return false
	}
	if s.r > 0 && (s.w == len(s.buf) || s.r >= len(s.buf)/2) {
		n := copy(s.buf, s.buf[s.r:s.w])
		s.r, s.w = 0, n
	}
	if s.w == len(s.buf) {
		grown := make([]byte, 2*len(s.buf))
		copy(grown, s.buf[:s.w])
		s.buf = grown
	}
	end := min(len(s.buf), s.w+max(readChunk, len(s.buf)/4))
	for range 100 {
		n, err := s.rd.Read(s.buf[s.w:end])
		s.w += n
		if err != nil {
			s.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.err = io.ErrNoProgress
	return false
}

// advance consumes n unread bytes.
func (s *scanner) advance(n int) {
	s.line += int64(bytes.Count(s.buf[s.r:s.r+n], newline))
	s.off += int64(n)
	s.r += n
}

var newline = []byte{'\n'}

// skipSpace consumes whitespace (and a UTF-8 byte order mark at the start) and
// reports whether a byte follows.
func (s *scanner) skipSpace() bool {
	if s.off == 0 && s.ensure(len(bom)) && bytes.HasPrefix(s.buf[s.r:s.w], bom) {
		s.advance(len(bom))
	}
	for {
		i := s.r
		for i < s.w && isSpace(s.buf[i]) {
			i++
		}
		s.advance(i - s.r)
		if s.r < s.w {
			return true
		}
		if !s.fill() {
			return false
		}
	}
}

var bom = []byte{0xEF, 0xBB, 0xBF}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// ensure makes n unread bytes available if the input has them.
func (s *scanner) ensure(n int) bool {
	for s.w-s.r < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// skipLine consumes up to and including the next newline.
func (s *scanner) skipLine() {
	for {
		if i := bytes.IndexByte(s.buf[s.r:s.w], '\n'); i >= 0 {
			s.advance(i + 1)
			return
		}
		s.advance(s.w - s.r)
		if !s.fill() {
			return
		}
	}
}

// skipUntil2 consumes bytes up to (not including) the next a or b.
func (s *scanner) skipUntil2(a, b byte) {
	s.advance(1) // the offending byte, which may be neither
	for {
		for i := s.r; i < s.w; i++ {
			if c := s.buf[i]; c == a || c == b {
				s.advance(i - s.r)
				return
			}
		}
		s.advance(s.w - s.r)
		if !s.fill() {
			return
		}
	}
}

// wrapperStart reports whether the object at buf[r] opens a blob, {"records":[, and
// if so consumes that opening. A wrapper whose first key is not "records" is read
// as a record, and Decoder finds the array inside it.
func (s *scanner) wrapperStart() bool {
	s.ensure(64)
	b := s.buf[s.r:s.w]
	i := skipSpaceAt(b, 1)
	const key = `"records"`
	if !bytes.HasPrefix(b[i:], []byte(key)) {
		return false
	}
	i = skipSpaceAt(b, i+len(key))
	if i >= len(b) || b[i] != ':' {
		return false
	}
	i = skipSpaceAt(b, i+1)
	if i >= len(b) || b[i] != '[' {
		return false
	}
	s.advance(i + 1)
	return true
}

func skipSpaceAt(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// closeWrapper consumes what follows a blob's records array up to the wrapper's
// closing brace, skipping any keys after the array.
func (s *scanner) closeWrapper() {
	if !s.skipSpace() {
		return
	}
	switch s.buf[s.r] {
	case '}':
		s.advance(1)
	case ',':
		n, _ := s.scan(scanState{depth: 1}, false)
		s.advance(n)
	}
	// Anything else is left for next to reject as garbage.
}

// object cuts out the JSON object starting at buf[r].
func (s *scanner) object() ([]byte, position, error) {
	p := s.here()
	n, status := s.scan(scanState{}, true)
	if status != scanDone && status != scanCut && s.err != nil && s.r+n == s.w {
		// The input ended inside the record: one rejection says so, not a second
		// one for the blob around it.
		s.inBlob = false
	}
	switch status {
	case scanDone:
		rec := s.buf[s.r : s.r+n]
		s.advance(n)
		return rec, p, nil
	case scanCut:
		s.advance(n)
		s.inBlob = false
		return nil, p, p.reject("truncated", "record cut off at the end of its line")
	case scanTooLarge:
		s.advance(n)
		return nil, p, p.reject("record too large", "a record is longer than %d bytes", s.limit)
	}
	s.advance(n)
	if err := s.endErr(); err != io.EOF {
		return nil, p, err // the reader failed, the record may have been whole
	}
	return nil, p, p.reject("truncated", "the input ends inside a record")
}

type scanStatus int

const (
	scanDone     scanStatus = iota // a complete value ends n bytes after buf[r]
	scanCut                        // a line ended inside the value and the next begins with '{'
	scanTooLarge                   // the value outgrew the limit; what was scanned is consumed
	scanEOF                        // the input ended inside the value
)

// scanState is where a scan stands inside a value.
type scanState struct {
	depth          int  // open brackets
	inStr, esc, nl bool // inside a string, after a backslash there, after a newline
}

// scan finds the end of the value at buf[r] (or, from depth 1, of the object that r
// is inside) by counting brackets outside strings, and returns how many unconsumed
// bytes belong to it; the caller consumes them. With keep it holds the value in the
// buffer; past the limit, or without keep, it consumes what it has scanned as it
// goes so that memory stays bounded.
//
// A raw newline cannot occur inside a JSON value written on one line, and pretty
// printers indent nested values, so a newline followed directly by '{' while a
// value is open means the value was cut off (a writer crashed mid-line) and a new
// record begins: the scan stops there so that the records after it are still read.
func (s *scanner) scan(st scanState, keep bool) (int, scanStatus) {
	n := 0 // bytes scanned from buf[r]
	tooLarge := false
	end := func(status scanStatus) (int, scanStatus) {
		if tooLarge {
			return n, scanTooLarge
		}
		return n, status
	}
	for {
		b := s.buf[s.r:s.w]
		for n < len(b) {
			if st.inStr {
				n = st.str(b, n)
				continue
			}
			c := b[n]
			if st.nl && c == '{' && st.depth > 0 {
				return end(scanCut)
			}
			st.nl = false
			n++
			switch c {
			case '"':
				st.inStr = true
			case '{', '[':
				st.depth++
			case '}', ']':
				st.depth--
				if st.depth <= 0 {
					return end(scanDone)
				}
			case '\n':
				st.nl = true
			}
		}
		if keep && n >= s.limit {
			keep, tooLarge = false, true
		}
		if !keep {
			s.advance(n)
			n = 0
		}
		if !s.fill() {
			return end(scanEOF)
		}
	}
}

// str scans string bytes from b[n], with st.inStr set, and returns where it
// stopped: after the closing quote, or at the end of b.
func (st *scanState) str(b []byte, n int) int {
	seg := b[n:]
	q := bytes.IndexByte(seg, '"')
	span := seg
	if q >= 0 {
		span = seg[:q]
	}
	// The common case, a tuple or an id: no escape and no newline before the quote.
	if !st.esc && bytes.IndexByte(span, '\\') < 0 && bytes.IndexByte(span, '\n') < 0 {
		if q < 0 {
			return len(b)
		}
		st.inStr = false
		return n + q + 1
	}
	stop := n + len(span)
	if q >= 0 {
		stop++
	}
	for n < stop {
		c := b[n]
		n++
		switch {
		case st.esc:
			st.esc = false
		case c == '\\':
			st.esc = true
		case c == '"':
			st.inStr = false
			return n
		case c == '\n':
			// Invalid inside a string: the line was cut off here.
			st.inStr, st.nl = false, true
			return n
		}
	}
	return n
}
