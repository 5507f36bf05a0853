package route53

// This line reader is the same as ingest/awsvpc's: each decoder was written in its
// own directory, and both should move to one shared package.

import (
	"bufio"
	"errors"
	"io"

	"github.com/weirhq/weir/ingest"
)

// errLineTooLong marks a line longer than ingest.MaxLine; the reader has already
// skipped the rest of it, so the next call starts on the following line.
var errLineTooLong = errors.New("line too long")

// readBufSize is the bufio buffer: every ordinary line fits, so ReadSlice returns a
// slice into it without copying.
const readBufSize = 64 << 10

// keepLong is the largest overflow buffer kept between lines; a rare huge line
// should not pin megabytes for the life of the decoder.
const keepLong = 256 << 10

// lineReader yields lines without their newline, counting them from 1. A line
// longer than the bufio buffer is gathered in an overflow buffer up to
// ingest.MaxLine; past that it is skipped to its end without being kept, so that
// memory stays bounded whatever the input.
type lineReader struct {
	br   *bufio.Reader
	long []byte
	n    int64 // number of the line last returned
}

func newLineReader(r io.Reader) lineReader {
	return lineReader{br: bufio.NewReaderSize(r, readBufSize)}
}

// next returns the next line, valid until the following call. At the end of the
// input it returns io.EOF; a last line without a newline is still returned.
func (l *lineReader) next() ([]byte, error) {
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
		if len(l.long)+len(line) > ingest.MaxLine {
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
func (l *lineReader) skip(err error) error {
	l.long = nil
	for err == bufio.ErrBufferFull {
		_, err = l.br.ReadSlice('\n')
	}
	if err != nil && err != io.EOF {
		return err
	}
	return errLineTooLong
}
