package azureflow

import (
	"bytes"
	"io"
	"testing"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// BenchmarkDecode measures the decoder alone on an hour of a busy NIC: 60 records
// of 5,000 tuples each, as a blob and one record per line.
func BenchmarkDecode(b *testing.B) {
	for _, form := range []struct {
		name  string
		lines bool
	}{{"blob", false}, {"lines", true}} {
		b.Run(form.name, func(b *testing.B) {
			data := synthBlob(60, 5000, form.lines)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			tuples := 0
			for b.Loop() {
				d := NewDecoder(bytes.NewReader(data), ingest.Options{Now: testNow})
				var r flow.Record
				for {
					err := d.Next(&r)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					tuples++
				}
			}
			b.ReportMetric(float64(tuples)/b.Elapsed().Seconds(), "flows/s")
		})
	}
}

// TestAllocsPerTuple keeps decoding free of per-tuple allocation: the parser,
// buffers and interned strings are reused.
func TestAllocsPerTuple(t *testing.T) {
	data := synthBlob(20, 1000, false)
	const tuples = 20 * 1000
	var d *Decoder
	allocs := testing.AllocsPerRun(3, func() {
		d = NewDecoder(bytes.NewReader(data), ingest.Options{Now: testNow})
		var r flow.Record
		for d.Next(&r) != io.EOF {
		}
	})
	if got := d.Stats(); got.Tuples != tuples || got.Rejected != 0 {
		t.Fatalf("Stats() = %+v, want %d tuples and none rejected", got, tuples)
	}
	if per := allocs / tuples; per > 0.01 {
		t.Errorf("%.0f allocations for %d tuples (%.3f per tuple), want ≤ 0.01", allocs, tuples, per)
	}
}
