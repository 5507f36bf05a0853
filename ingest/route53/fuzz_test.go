package route53

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/weirhq/weir/ingest"
)

// FuzzDecode feeds arbitrary bytes to the decoder: it must end, never panic, and
// every observation must be well formed.
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
		// At most maxAnswers observations or one error per line, plus the end.
		limit := (bytes.Count(in, []byte("\n"))+1)*maxAnswers + 1
		for i := 0; ; i++ {
			if i > limit {
				t.Fatalf("more than %d results", limit)
			}
			var o ingest.DNSObservation
			err := d.Next(&o)
			if err == io.EOF {
				return
			}
			if err != nil {
				if !ingest.IsRecordError(err) {
					t.Fatalf("stream error from a bytes.Reader: %v", err)
				}
				continue
			}
			if !o.IP.IsValid() || o.Domain == "" || o.Source != Format || !ingest.PlausibleTime(o.Time, testNow) {
				t.Fatalf("bad observation from %q: %+v", in, o)
			}
		}
	})
}
