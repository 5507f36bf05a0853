package zeek

import (
	"bufio"
	"errors"
	"io"

	"github.com/weirhq/weir/ingest"
)

// errTooLong marks a line longer than ingest.MaxLine; it was skipped unread.
var errTooLong = errors.New("line too long")

// lines reads an input line by line. A line that fits bufio's buffer is handed out
// without a copy; a longer one is gathered in buf up to ingest.MaxLine, and past
// that it is skipped to its end without being held.
type lines struct {
	br    *bufio.Reader
	buf   []byte
	n     int64 // lines read so far; the number of the line just returned
	maxed bool
}

func newLines(r io.Reader) *lines {
	return &lines{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line without its line ending, valid until the following
// call. Errors: errTooLong (the line was skipped, go on), io.EOF, or the reader's.
func (l *lines) next() ([]byte, error) {
	l.buf = l.buf[:0]
	l.maxed = false
	for {
		chunk, err := l.br.ReadSlice('\n')
		switch {
		case err == nil, errors.Is(err, io.EOF) && (len(chunk) > 0 || len(l.buf) > 0 || l.maxed):
			l.n++
			if l.maxed {
				return nil, errTooLong
			}
			if len(l.buf) > 0 {
				if !l.keep(chunk) {
					return nil, errTooLong
				}
				chunk = l.buf
			}
			return trimEOL(chunk), nil
		case errors.Is(err, bufio.ErrBufferFull):
			l.keep(chunk) // past MaxLine it only marks the line skipped
		default:
			return nil, err
		}
	}
}

// keep appends part of a line to buf unless that would pass MaxLine.
func (l *lines) keep(part []byte) bool {
	if l.maxed || len(l.buf)+len(part) > ingest.MaxLine+2 { // +2: the line ending
		l.maxed = true
		l.buf = l.buf[:0]
		return false
	}
	l.buf = append(l.buf, part...)
	return true
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}
