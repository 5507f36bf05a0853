// Package lines reads a line-based input (an AWS VPC flow log, a Resolver query log,
// a Zeek log) one line at a time without copying the ordinary line, and with memory
// bounded whatever the input. It owns splitting at '\n' and the over-long line; it
// does not own what a line means, blank lines, or '\r' (each decoder decides).
package lines

import (
	"bufio"
	"errors"
	"io"
)

// ErrTooLong marks a line longer than the Reader's limit; the reader has already
// skipped the rest of it, so the next call starts on the following line.
var ErrTooLong = errors.New("line too long")

// readBufSize is the bufio buffer: every ordinary line fits, so ReadSlice returns a
// slice into it without copying.
const readBufSize = 64 << 10

// keepLong is the largest overflow buffer kept between lines; a rare huge line
// should not pin megabytes for the life of the decoder.
const keepLong = 256 << 10

// Reader yields lines without their newline, counting them from 1. A line longer
// than the bufio buffer is gathered in an overflow buffer up to the limit; past
// that it is skipped to its end without being kept.
type Reader struct {
	br    *bufio.Reader
	long  []byte
	n     int64 // number of the line last returned
	limit int
}

// NewReader reads r. limit bounds a line's bytes with its '\n' (ingest.MaxLine for
// most decoders); it should be above 64 KiB, the length that is never checked.
func NewReader(r io.Reader, limit int) Reader {
	return Reader{br: bufio.NewReaderSize(r, readBufSize), limit: limit}
}

// Line is the number of the line last returned or rejected. After a read error
// inside a line longer than 64 KiB it already counts that line.
func (l *Reader) Line() int64 { return l.n }

// Next returns the next line, valid until the following call. At the end of the
// input it returns io.EOF; a last line without a newline is still returned. Other
// errors: ErrTooLong (go on with the next line) or the underlying reader's.
func (l *Reader) Next() ([]byte, error) {
	if cap(l.long) > keepLong {
		l.long = nil // the last line was huge; do not keep its buffer
	}
	line, err := l.br.ReadSlice('\n')
	if err == nil {
		l.n++
		return line[:len(line)-1], nil
	}
	if err == io.EOF {
		if len(line) == 0 {
			return nil, io.EOF
		}
		l.n++
		return line, nil
	}
	if err != bufio.ErrBufferFull {
		return nil, err
	}
	l.n++
	l.long = append(l.long[:0], line...)
	for {
		line, err = l.br.ReadSlice('\n')
		if len(l.long)+len(line) > l.limit {
			return nil, l.skip(err)
		}
		l.long = append(l.long, line...)
		switch err {
		case nil:
			return l.long[:len(l.long)-1], nil
		case io.EOF:
			return l.long, nil
		case bufio.ErrBufferFull:
			continue
		default:
			return nil, err
		}
	}
}

// skip reads past the end of an over-long line; err is the result of the last read.
func (l *Reader) skip(err error) error {
	l.long = nil
	for err == bufio.ErrBufferFull {
		_, err = l.br.ReadSlice('\n')
	}
	if err != nil && err != io.EOF {
		return err
	}
	return ErrTooLong
}
