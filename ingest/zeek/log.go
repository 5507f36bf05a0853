package zeek

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/valyala/fastjson"

	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/internal/lines"
)

// logReader reads the records of one Zeek log, TSV or JSON, and hands each decoder
// the values of the fields it asked for, by field id (the index in the names given
// to newLogReader). It follows the TSV headers as they come, so that concatenated
// logs with different #fields, or a JSON line among TSV ones, read correctly.
type logReader struct {
	in   lines.Reader
	name string
	ids  map[string]int // field name → id

	// The current record: vals[id] is the field's value, nil when absent or unset;
	// arrs[id] holds a JSON array for list fields.
	vals [][]byte
	arrs []*fastjson.Value

	// TSV state, from the headers.
	sep, setSep  byte
	unset, empty []byte
	cols         []int // column → field id, or -1
	haveFields   bool

	// JSON state.
	p     fastjson.Parser
	num   []byte // raw JSON numbers of the current record
	visit func(key []byte, v *fastjson.Value)
}

func newLogReader(r io.Reader, name string, fields []string) *logReader {
	l := &logReader{
		in:    lines.NewReader(r, ingest.MaxLine+2), // +2: a line ending of \r\n
		name:  name,
		ids:   make(map[string]int, len(fields)),
		vals:  make([][]byte, len(fields)),
		arrs:  make([]*fastjson.Value, len(fields)),
		num:   make([]byte, 0, 512),
		sep:   '\t',
		unset: []byte("-"), empty: []byte("(empty)"), setSep: ',',
	}
	for id, f := range fields {
		l.ids[f] = id
	}
	l.visit = l.visitField // bound once: a method value made per record would allocate
	return l
}

// next reads the next record. It returns a *ingest.RecordError for a line it
// rejects, io.EOF at the end, or the error that ended the stream.
func (l *logReader) next() error {
	for {
		line, err := l.in.Next()
		switch {
		case errors.Is(err, lines.ErrTooLong):
			return ingest.Reject(l.in.Line(), "line too long", "longer than %d bytes, skipped", ingest.MaxLine)
		case errors.Is(err, io.EOF):
			return io.EOF
		case err != nil:
			return fmt.Errorf("read %s: %w", l.name, err)
		}
		line = bytes.TrimSuffix(line, cr)
		if len(line) == 0 {
			continue
		}
		clear(l.vals)
		clear(l.arrs)
		switch line[0] {
		case '#':
			if err := l.header(line); err != nil {
				return err
			}
			continue
		case '{':
			return l.json(line)
		}
		return l.tsv(line)
	}
}

// cr ends each line of a log written with CRLF line endings.
var cr = []byte{'\r'}

// line is the number of the line just read, for the decoders' rejections.
func (l *logReader) line() int64 { return l.in.Line() }

// header applies one #-line of the ASCII writer.
func (l *logReader) header(line []byte) error {
	if v, ok := bytes.CutPrefix(line, []byte("#separator ")); ok {
		sep := unescape(nil, v)
		if len(sep) != 1 {
			return ingest.Reject(l.in.Line(), "bad header", "#separator %q", v)
		}
		l.sep = sep[0]
		return nil
	}
	name, rest, _ := bytes.Cut(line, []byte{l.sep})
	switch string(name) {
	case "#set_separator":
		sep := unescape(nil, rest)
		if len(sep) != 1 {
			return ingest.Reject(l.in.Line(), "bad header", "#set_separator %q", rest)
		}
		l.setSep = sep[0]
	case "#empty_field":
		l.empty = append(l.empty[:0], rest...)
	case "#unset_field":
		l.unset = append(l.unset[:0], rest...)
	case "#fields":
		l.cols = l.cols[:0]
		for len(rest) > 0 || len(l.cols) == 0 {
			var f []byte
			f, rest, _ = bytes.Cut(rest, []byte{l.sep})
			id, ok := l.ids[string(f)]
			if !ok {
				id = -1
			}
			l.cols = append(l.cols, id)
		}
		l.haveFields = true
	}
	// #path, #open, #close and #types say nothing the decoders need: the fields
	// are found by name, and their types are known.
	return nil
}

// tsv splits a data line of the ASCII writer into the wanted fields.
func (l *logReader) tsv(line []byte) error {
	if !l.haveFields {
		return ingest.Reject(l.in.Line(), "no header", "a TSV line before any #fields header")
	}
	col := 0
	for {
		v, rest, more := bytes.Cut(line, []byte{l.sep})
		if col < len(l.cols) {
			if id := l.cols[col]; id >= 0 && !bytes.Equal(v, l.unset) && !bytes.Equal(v, l.empty) {
				l.vals[id] = v
			}
		}
		col++
		if !more {
			break
		}
		line = rest
	}
	if col != len(l.cols) {
		return ingest.Reject(l.in.Line(), "field count", "%d fields, the #fields header has %d", col, len(l.cols))
	}
	return nil
}

// json reads a line of the JSON writer.
func (l *logReader) json(line []byte) error {
	v, err := l.p.ParseBytes(line)
	if err != nil {
		return ingest.Reject(l.in.Line(), "bad json", "%v", err)
	}
	o, err := v.Object()
	if err != nil {
		return ingest.Reject(l.in.Line(), "bad json", "%v", err)
	}
	l.num = l.num[:0]
	o.Visit(l.visit)
	return nil
}

// Booleans read as the ASCII writer writes them.
var jsonTrue, jsonFalse = []byte("T"), []byte("F")

func (l *logReader) visitField(key []byte, v *fastjson.Value) {
	id, ok := l.ids[string(key)]
	if !ok {
		return
	}
	switch v.Type() {
	case fastjson.TypeString:
		l.vals[id] = v.GetStringBytes()
	case fastjson.TypeNumber:
		// The raw text, parsed exactly by the decoder. Appending may move num; the
		// values already handed out keep pointing at the old array, still intact.
		from := len(l.num)
		l.num = v.MarshalTo(l.num)
		l.vals[id] = l.num[from:len(l.num):len(l.num)]
	case fastjson.TypeTrue:
		l.vals[id] = jsonTrue
	case fastjson.TypeFalse:
		l.vals[id] = jsonFalse
	case fastjson.TypeArray:
		l.arrs[id] = v
	}
}

// appendList appends the elements of a set or vector field (answers, TTLs) to dst.
func (l *logReader) appendList(dst [][]byte, id int) [][]byte {
	if arr := l.arrs[id]; arr != nil {
		items, _ := arr.Array()
		for _, it := range items {
			switch it.Type() {
			case fastjson.TypeString:
				dst = append(dst, it.GetStringBytes())
			case fastjson.TypeNumber:
				from := len(l.num)
				l.num = it.MarshalTo(l.num)
				dst = append(dst, l.num[from:len(l.num):len(l.num)])
			default:
				dst = append(dst, nil) // keeps the vectors parallel
			}
		}
		return dst
	}
	v := l.vals[id]
	for len(v) > 0 {
		var item []byte
		item, v, _ = bytes.Cut(v, []byte{l.setSep})
		dst = append(dst, item)
	}
	return dst
}
