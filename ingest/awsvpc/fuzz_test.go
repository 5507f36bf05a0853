package awsvpc

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// FuzzDecode feeds arbitrary bytes to the decoder: it must end (each call to Next
// consumes at least one line, so the loop is bounded by the input), never panic,
// and every record it returns must hold the record invariants.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.log")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(bytes.NewReader(in), testOpts())
		limit := bytes.Count(in, []byte("\n")) + 2
		for i := 0; ; i++ {
			if i > limit {
				t.Fatalf("more than %d results from %d lines", i, limit-1)
			}
			var r flow.Record
			err := d.Next(&r)
			if err == io.EOF {
				return
			}
			if err != nil {
				if !ingest.IsRecordError(err) {
					t.Fatalf("stream error from a bytes.Reader: %v", err)
				}
				continue
			}
			if r.Flows > 1 || r.Format != Format || r.End.Before(r.Start) ||
				!ingest.PlausibleTime(r.Start, testNow) || !r.SrcIP.IsValid() || !r.DstIP.IsValid() {
				t.Fatalf("bad record from %q: %+v", in, r)
			}
		}
	})
}
