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

// benchInput repeats the good IPv4 entries of the testdata file n times.
func benchInput(t testing.TB, n int) []byte {
	t.Helper()
	sample, err := os.ReadFile(filepath.Join("testdata", "flows.json.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(sample, []byte("\n"))
	good := [][]byte{lines[0], lines[1], lines[2], lines[3], lines[12]}
	var b bytes.Buffer
	for i := range n {
		b.Write(good[i%len(good)])
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	const n = 10000
	in := benchInput(b, n)
	var r flow.Record
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(in), ingest.Options{Now: testNow})
		for {
			err := d.Next(&r)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "flows/s")
}
