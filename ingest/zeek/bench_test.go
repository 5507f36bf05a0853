package zeek

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// benchInput repeats the good IPv4 records of the testdata conn logs n times, as
// TSV (with its header) or JSON.
func benchInput(t testing.TB, form string, n int) []byte {
	t.Helper()
	var good [][]byte
	var b bytes.Buffer
	if form == "tsv" {
		lines := bytes.Split(read(t, "conn.log"), []byte("\n"))
		for _, l := range lines[:8] {
			b.Write(l)
			b.WriteByte('\n')
		}
		good = [][]byte{lines[8], lines[9], lines[10], lines[12]}
	} else {
		lines := bytes.Split(read(t, "conn.json.log"), []byte("\n"))
		good = [][]byte{lines[0], lines[1], lines[3], lines[9]}
	}
	for i := range n {
		b.Write(good[i%len(good)])
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	for _, form := range []string{"tsv", "json"} {
		b.Run("conn-"+form, func(b *testing.B) {
			const n = 10000
			in := benchInput(b, form, n)
			var r flow.Record
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				d := NewConnDecoder(bytes.NewReader(in), ingest.Options{Name: "conn.log", Now: testNow})
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
		})
	}
}
