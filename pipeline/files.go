package pipeline

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/klauspost/compress/gzip"
)

// input is one file to read.
type input struct {
	path   string // absolute: the identity under which progress is kept
	size   int64
	format *format
}

// expand turns the paths a user gave into files, directories walked in name order.
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			abs, err := filepath.Abs(p)
			if err != nil {
				return nil, err
			}
			out = append(out, abs)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			regular := d.Type().IsRegular()
			if d.Type()&fs.ModeSymlink != 0 { // a link to a file counts as that file
				fi, err := os.Stat(path)
				regular = err == nil && fi.Mode().IsRegular()
			}
			if regular && !isSidecar(d.Name()) {
				abs, err := filepath.Abs(path)
				if err != nil {
					return err
				}
				found = append(found, abs)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", p, err)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// isSidecar skips files in a log tree that are not logs.
func isSidecar(name string) bool {
	switch filepath.Ext(name) {
	case ".yaml", ".yml", ".md", ".netset", ".ipset":
		return true
	}
	return name == "truth.json" || name[0] == '.'
}

// headSize is how much of an input detection looks at.
const headSize = 64 << 10

// open opens path, decompressing gzip (by its magic number, not its name).
func open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 256<<10)
	magic, _ := br.Peek(2)
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return readCloser{Reader: zr, close: f.Close}, nil
	}
	return readCloser{Reader: br, close: f.Close}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

// head returns the first bytes of path's content, decompressed.
func head(path string) ([]byte, error) {
	rc, err := open(path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := make([]byte, headSize)
	n, err := io.ReadFull(rc, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return buf[:n], err
	}
	return buf[:n], nil
}

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
