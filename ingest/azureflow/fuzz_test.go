package azureflow

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// FuzzDecode feeds arbitrary bytes to the decoder: it must never panic, must end,
// and must report only RecordErrors (the input is in memory, so the stream itself
// cannot fail).
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"records":[` + goodLine + `,`))
	f.Add([]byte(`{"records":[{"properties":{"Version":1,"flows":[{"flows":[{"mac":"x","flowTuples":["1,a,b,c,d,T,I,A"]}]}]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data), ingest.Options{Now: testNow})
		// Every call consumes input or emits a tuple (at least 8 bytes of it).
		for range len(data) + 10 {
			var r flow.Record
			err := d.Next(&r)
			if err == io.EOF {
				return
			}
			if err != nil && !ingest.IsRecordError(err) {
				t.Fatalf("Next: stream error on in-memory input: %v", err)
			}
			if err == nil && r.Format != FormatVNet && r.Format != FormatNSG {
				t.Fatalf("record without a format: %+v", r)
			}
		}
		t.Fatal("decoder did not reach io.EOF")
	})
}
