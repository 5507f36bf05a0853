package zeek

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

// FuzzDecode runs the three decoders over the same input and checks that none
// panics, hangs, or emits what breaks its contract.
func FuzzDecode(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.log"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		limit := len(in) + 2 // every call consumes a line or ends
		run := func(next func() error) {
			for range limit {
				err := next()
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil && !ingest.IsRecordError(err) {
					t.Fatalf("Next() = %v, want a record error or io.EOF", err)
				}
			}
			t.Fatalf("Next() did not end after %d calls", limit)
		}
		conn := NewConnDecoder(bytes.NewReader(in), testOptions("conn.log"))
		run(func() error {
			var r flow.Record
			err := conn.Next(&r)
			if err == nil && (r.End.Before(r.Start) || r.Flows != 1 || !r.SrcIP.IsValid() || !r.DstIP.IsValid()) {
				t.Fatalf("record breaks the contract: %+v", r)
			}
			return err
		})
		for _, d := range []ingest.DNSDecoder{NewDNSDecoder(bytes.NewReader(in), testOptions("dns.log")), NewSSLDecoder(bytes.NewReader(in), testOptions("ssl.log"))} {
			run(func() error {
				var o ingest.DNSObservation
				err := d.Next(&o)
				if err == nil && (!o.IP.IsValid() || o.Time.IsZero()) {
					t.Fatalf("observation breaks the contract: %+v", o)
				}
				return err
			})
		}
	})
}
