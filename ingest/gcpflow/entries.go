package gcpflow

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/weirhq/weir/ingest"
)

// errTooLong marks an entry longer than ingest.MaxLine; it was skipped unread.
var errTooLong = errors.New("entry too long")

// errTruncated marks an array element that the input ended inside.
var errTruncated = errors.New("entry truncated")

// entries splits an input into LogEntry objects. Line-delimited input (the usual
// case) is split with bufio's fast newline search and an entry is handed out without
// a copy; an input that opens with '[' is a JSON array, possibly pretty-printed, and
// is scanned byte by byte for the top-level objects. Either way an entry past
// ingest.MaxLine bytes is skipped without being held whole.
type entries struct {
	br    *bufio.Reader
	buf   []byte // an entry that spans buffer refills or lines
	line  int64  // lines fully read so far
	mode  byte   // 0 until the first byte is seen, then 'l' (lines) or 'a' (array)
	maxed bool   // the current entry went past MaxLine and is being skipped

	// Array scanning state, kept across lines.
	rest     []byte // unscanned tail of the current line, in br's buffer
	restEOL  bool   // rest ends the line (a newline follows it)
	depth    int
	inString bool
	escaped  bool
	start    int64 // line on which the current array element began
}

func newEntries(r io.Reader) *entries {
	return &entries{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next entry and the line it starts on. The entry is valid until
// the following call. Errors: errTooLong (the entry was skipped, go on), io.EOF, or
// the reader's own error.
func (e *entries) next() ([]byte, int64, error) {
	if e.mode == 0 {
		if err := e.sniff(); err != nil {
			return nil, e.line + 1, err
		}
	}
	if e.mode == 'a' {
		return e.nextElement()
	}
	for {
		b, err := e.readLine()
		pos := e.line
		if err != nil {
			return nil, pos, err
		}
		b = bytes.TrimSpace(b)
		if len(b) > 0 {
			return b, pos, nil
		}
	}
}

// sniff picks the mode from the first byte that is not white space.
func (e *entries) sniff() error {
	if b, err := e.br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		_, _ = e.br.Discard(3)
	}
	for {
		c, err := e.br.ReadByte()
		if err != nil {
			return err
		}
		switch c {
		case '\n':
			e.line++
		case ' ', '\t', '\r':
		default:
			_ = e.br.UnreadByte()
			e.mode = 'l'
			if c == '[' {
				e.mode = 'a'
			}
			return nil
		}
	}
}

// readLine returns the next line without its newline, counting it. A line longer
// than MaxLine is consumed to its end and reported as errTooLong.
func (e *entries) readLine() ([]byte, error) {
	e.buf = e.buf[:0]
	e.maxed = false
	for {
		chunk, err := e.br.ReadSlice('\n')
		switch {
		case err == nil:
			e.line++
			if e.maxed {
				return nil, errTooLong
			}
			if len(e.buf) == 0 {
				return chunk, nil // the common case: no copy
			}
			return e.keep(chunk)
		case errors.Is(err, bufio.ErrBufferFull):
			_, _ = e.keep(chunk) // past MaxLine it only marks the line skipped
		case errors.Is(err, io.EOF) && (len(chunk) > 0 || len(e.buf) > 0 || e.maxed):
			e.line++ // a last line without a newline
			if e.maxed {
				return nil, errTooLong
			}
			if len(e.buf) == 0 {
				return chunk, nil
			}
			return e.keep(chunk)
		default:
			return nil, err
		}
	}
}

// keep appends part of an entry to buf unless that would pass MaxLine, in which case
// the entry is dropped and the rest of it is skipped.
func (e *entries) keep(part []byte) ([]byte, error) {
	if e.maxed || len(e.buf)+len(part) > ingest.MaxLine {
		e.maxed = true
		e.buf = e.buf[:0]
		return nil, errTooLong
	}
	e.buf = append(e.buf, part...)
	return e.buf, nil
}

// nextElement returns the next top-level object of a JSON array. Bytes between
// elements ('[', ',', ']', white space, anything stray) are passed over.
func (e *entries) nextElement() ([]byte, int64, error) {
	e.buf = e.buf[:0]
	e.maxed = false
	for {
		if len(e.rest) == 0 {
			if e.restEOL {
				e.line++
				e.restEOL = false
			}
			chunk, err := e.br.ReadSlice('\n')
			switch {
			case err == nil:
				e.rest, e.restEOL = chunk, true
			case errors.Is(err, bufio.ErrBufferFull):
				e.rest = chunk
			case errors.Is(err, io.EOF) && len(chunk) > 0:
				e.rest = chunk
			default:
				if errors.Is(err, io.EOF) && e.depth > 0 {
					e.depth, e.inString, e.escaped = 0, false, false
					return nil, e.start, errTruncated
				}
				return nil, e.line + 1, err
			}
		}
		if obj, done := e.scan(); done {
			if e.maxed {
				return nil, e.start, errTooLong
			}
			return obj, e.start, nil
		}
	}
}

// scan advances through rest, collecting the current element into buf; done says
// that an element closed.
func (e *entries) scan() (obj []byte, done bool) {
	b := e.rest
	i := 0
	if e.depth == 0 {
		// Between elements: find the next object.
		for i < len(b) && b[i] != '{' {
			i++
		}
		if i == len(b) {
			e.rest = nil
			return nil, false
		}
		e.start = e.line + 1
	}
	from := i
	for ; i < len(b); i++ {
		c := b[i]
		if e.inString {
			switch {
			case e.escaped:
				e.escaped = false
			case c == '\\':
				e.escaped = true
			case c == '"':
				e.inString = false
			}
			continue
		}
		switch c {
		case '"':
			e.inString = true
		case '{', '[':
			e.depth++
		case '}', ']':
			e.depth--
			if e.depth == 0 {
				_, _ = e.keep(b[from : i+1])
				e.rest = b[i+1:]
				return e.buf, true
			}
		}
	}
	_, _ = e.keep(b[from:])
	e.rest = nil
	return nil, false
}
