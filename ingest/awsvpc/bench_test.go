package awsvpc

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/weirhq/weir/flow"
)

// benchInput is n v5 lines (all fields, headerless) over a few hundred ENIs and
// addresses, as a busy VPC's S3 file looks.
func benchInput(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		dir := "ingress"
		if i%3 == 0 {
			dir = "egress"
		}
		fmt.Fprintf(&b, "5 123456789012 eni-0a1b2c3d4e5f%05d 10.%d.%d.%d 172.16.%d.%d %d 443 6 %d %d 1716998400 1716998460 ACCEPT OK "+
			"vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789ab%05d 19 IPv4 10.%d.%d.%d 172.16.%d.%d eu-west-1 euw1-az1 - - - - %s -\n",
			i%300, i%7, i%250, i%200+1, i%100, i%250, 1024+i%60000, 1+i%50, 60+i%9000, i%300,
			i%7, i%250, i%200+1, i%100, i%250, dir)
	}
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	const lines = 10000
	in := benchInput(lines)
	rd := bytes.NewReader(in)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		rd.Reset(in)
		d := NewDecoder(rd, testOpts())
		var r flow.Record
		for {
			err := d.Next(&r)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			records++
		}
	}
	if records != lines*b.N {
		b.Fatalf("decoded %d records, want %d", records, lines*b.N)
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "flows/s")
}

// loopReader repeats its data forever, so that a decoder can be measured in steady
// state with its interner and buffers warm.
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], l.data[l.off:])
		n += c
		l.off = (l.off + c) % len(l.data)
	}
	return n, nil
}

func TestDecodeSteadyStateAllocs(t *testing.T) {
	in := append(benchInput(1000), "2 123456789012 eni-1 2001:db8::1 2001:db8::2 1 2 6 1 2 1716998400 1716998460 ACCEPT OK\n"...)
	d := NewDecoder(&loopReader{data: in}, testOpts())
	var r flow.Record
	for i := 0; i < 3000; i++ { // warm: every string interned, buffers grown
		if err := d.Next(&r); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(5000, func() {
		if err := d.Next(&r); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%.2f allocations per record in steady state, want 0", allocs)
	}
}
