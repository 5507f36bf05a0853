package simulate

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
)

// format names an output stream; its writer knows the path layout and framing.
type format uint8

const (
	fmtAWS format = iota
	fmtAzure
	fmtGCP
	fmtZeekConn
	fmtZeekDNS
	fmtZeekSSL
	fmtRoute53
	numFormats
)

// formatNames are the names the summary uses, one per format.
var formatNames = [numFormats]string{"aws-vpc", "azure-vnet", "gcp-vpc", "zeek-conn", "zeek-dns", "zeek-ssl", "route53"}

// fileKey says which output file a line goes to: the format, the unit that owns the
// file (a site or a workload index, per format) and the hour it covers.
type fileKey struct {
	f    format
	unit int
	hour int64 // Unix microseconds at the start of the hour
}

// item is one line (or tuple) of a file, kept in the file's arena until the file is
// written, then sorted by time: writers add lines in connection order, the files
// hold them in time order as the exporters do.
type item struct {
	t      int64
	group  int32 // format-specific (Azure: the NSG rule)
	off, n uint32
}

type fileBuf struct {
	key   fileKey
	path  string
	items []item
	arena []byte
}

// end records the line a writer appended to the arena from offset start on.
func (fb *fileBuf) end(t int64, group int32, start int) {
	fb.items = append(fb.items, item{t: t, group: group, off: uint32(start), n: uint32(len(fb.arena) - start)})
}

func (fb *fileBuf) line(it item) []byte { return fb.arena[it.off : it.off+it.n] }

// renderer frames one format's files.
type renderer interface {
	path(k fileKey) string
	gzipped() bool
	render(o *output, fb *fileBuf) error
}

// fileSet holds the open files of every format until their hour is complete, then
// hands them to writers that sort, frame, compress and write them in the
// background: creating files is slow on some file systems, and each file's bytes
// depend on its own lines only, so the order they are written in does not matter.
type fileSet struct {
	dir       string
	renderers [numFormats]renderer
	open      map[fileKey]*fileBuf // used by the generating goroutine only
	// done is the last hour written; a line dated before it would reopen and
	// overwrite a finished file, so get moves it to the next hour and counts it.
	done int64
	late int

	jobs chan *fileBuf
	wg   sync.WaitGroup

	mu    sync.Mutex // guards what follows, shared with the writers
	free  []*fileBuf
	dirs  map[string]bool // directories already created
	err   error
	Files [numFormats]int
	Lines [numFormats]int
	Bytes int64
}

// fileWriters is how many files are written at once.
const fileWriters = 4

func newFileSet(dir string) *fileSet {
	fs := &fileSet{dir: dir, open: map[fileKey]*fileBuf{}, dirs: map[string]bool{}, jobs: make(chan *fileBuf, 64)}
	for range fileWriters {
		fs.wg.Add(1)
		go fs.writer()
	}
	return fs
}

// get returns the buffer of file k, creating it.
func (fs *fileSet) get(k fileKey) *fileBuf {
	if fs.done != 0 && k.hour <= fs.done {
		k.hour = fs.done + usPerHour
		fs.late++
	}
	if fb := fs.open[k]; fb != nil {
		return fb
	}
	var fb *fileBuf
	fs.mu.Lock()
	if n := len(fs.free); n > 0 {
		fb = fs.free[n-1]
		fs.free = fs.free[:n-1]
		fb.items, fb.arena = fb.items[:0], fb.arena[:0]
	} else {
		fb = &fileBuf{}
	}
	fs.mu.Unlock()
	fb.key = k
	fb.path = fs.renderers[k.f].path(k)
	fs.open[k] = fb
	return fb
}

// flush hands every open file whose hour starts at or before hour (all when all)
// to the writers, and returns the first error a writer met so far.
func (fs *fileSet) flush(hour int64, all bool) error {
	var keys []fileKey
	for k := range fs.open {
		if all || k.hour <= hour {
			keys = append(keys, k)
		}
	}
	// Map order is random; hand files over in a fixed order all the same.
	sort.Slice(keys, func(i, j int) bool { return fs.open[keys[i]].path < fs.open[keys[j]].path })
	for _, k := range keys {
		fs.jobs <- fs.open[k]
		delete(fs.open, k)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.err
}

// close waits for the writers and returns the first error any of them met.
func (fs *fileSet) close() error {
	if fs.jobs != nil {
		close(fs.jobs)
		fs.wg.Wait()
		fs.jobs = nil
	}
	return fs.err
}

// writer writes the files it is handed, each with its own buffers.
func (fs *fileSet) writer() {
	defer fs.wg.Done()
	var w fileWriter
	for fb := range fs.jobs {
		n, err := w.write(fs, fb)
		fs.mu.Lock()
		if err != nil && fs.err == nil {
			fs.err = err
		}
		if err == nil {
			fs.Files[fb.key.f]++
			fs.Lines[fb.key.f] += len(fb.items)
			fs.Bytes += n
		}
		fs.free = append(fs.free, fb)
		fs.mu.Unlock()
	}
}

// mkdir creates d once.
func (fs *fileSet) mkdir(d string) error {
	fs.mu.Lock()
	made := fs.dirs[d]
	fs.mu.Unlock()
	if made {
		return nil
	}
	if err := os.MkdirAll(d, 0o755); err != nil { // safe to race: MkdirAll accepts existing directories
		return err
	}
	fs.mu.Lock()
	fs.dirs[d] = true
	fs.mu.Unlock()
	return nil
}

// fileWriter is one writer's reusable buffers.
type fileWriter struct {
	out output
	gz  *gzip.Writer
	bw  *bufio.Writer
}

func (fw *fileWriter) write(fs *fileSet, fb *fileBuf) (int64, error) {
	slices.SortStableFunc(fb.items, func(a, b item) int {
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		}
		return 0
	})
	r := fs.renderers[fb.key.f]
	full := filepath.Join(fs.dir, filepath.FromSlash(fb.path))
	if err := fs.mkdir(filepath.Dir(full)); err != nil {
		return 0, fmt.Errorf("simulate: create directory for %s: %w", full, err)
	}
	f, err := os.Create(full)
	if err != nil {
		return 0, fmt.Errorf("simulate: create %s: %w", full, err)
	}
	if fw.bw == nil {
		fw.bw = bufio.NewWriterSize(f, 256<<10)
	} else {
		fw.bw.Reset(f)
	}
	var w io.Writer = fw.bw
	if r.gzipped() {
		// A zero Header: no name, no modification time, so the bytes depend on the
		// content only.
		if fw.gz == nil {
			fw.gz, _ = gzip.NewWriterLevel(fw.bw, gzip.BestSpeed)
		} else {
			fw.gz.Reset(fw.bw)
		}
		w = fw.gz
	}
	fw.out.w, fw.out.err, fw.out.n, fw.out.buf = w, nil, 0, fw.out.buf[:0]
	err = r.render(&fw.out, fb)
	if err == nil {
		err = fw.out.flush()
	}
	if err == nil && r.gzipped() {
		err = fw.gz.Close()
	}
	if err == nil {
		err = fw.bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("simulate: write %s: %w", full, err)
	}
	return fw.out.n, nil
}

// output batches small writes into large ones.
type output struct {
	w   io.Writer
	buf []byte
	n   int64
	err error
}

func (o *output) add(b []byte) {
	o.buf = append(o.buf, b...)
	if len(o.buf) >= 64<<10 {
		o.flush()
	}
}

func (o *output) str(s string) {
	o.buf = append(o.buf, s...)
}

func (o *output) flush() error {
	if o.err == nil && len(o.buf) > 0 {
		_, o.err = o.w.Write(o.buf)
		o.n += int64(len(o.buf))
	}
	o.buf = o.buf[:0]
	return o.err
}
