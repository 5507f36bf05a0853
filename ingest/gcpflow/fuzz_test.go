package gcpflow

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// FuzzDecode checks that no input makes the decoder panic, hang or emit a record
// that breaks the Record contract.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"flows.json.log", "flows-array.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Add([]byte(`[{"jsonPayload":{"connection":{}}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(bytes.NewReader(in), ingest.Options{Now: testNow})
		limit := len(in) + 2 // each call consumes at least one byte, or ends
		for range limit {
			var r flow.Record
			err := d.Next(&r)
			switch {
			case err == nil:
				if r.End.Before(r.Start) || r.Flows != 1 || r.Format != Format || !r.SrcIP.IsValid() || !r.DstIP.IsValid() {
					t.Fatalf("record breaks the contract: %+v", r)
				}
			case errors.Is(err, io.EOF):
				return
			case !ingest.IsRecordError(err):
				t.Fatalf("Next() = %v, want a record error or io.EOF", err)
			}
		}
		t.Fatalf("Next() did not end after %d calls", limit)
	})
}
