package route53

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/weirhq/weir/ingest"
)

// benchInput is n Resolver lines over a few hundred names; two in three carry an
// A answer after a CNAME, the rest are NXDOMAIN.
func benchInput(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		answers := ""
		if i%3 != 0 {
			answers = fmt.Sprintf(`{"Rdata":"edge%d.cdn.example.net.","Type":"CNAME","Class":"IN"},{"Rdata":"198.51.%d.%d","Type":"A","Class":"IN"}`,
				i%50, i%200, i%250+1)
		}
		fmt.Fprintf(&b, `{"version":"1.100000","account_id":"123456789012","region":"eu-west-1","vpc_id":"vpc-0a1b2c3d",`+
			`"query_timestamp":"2024-05-29T16:%02d:%02dZ","query_name":"host%d.Example.com.","query_type":"A","query_class":"IN",`+
			`"rcode":"NOERROR","answers":[%s],"srcaddr":"10.0.%d.%d","srcport":"%d","transport":"UDP","srcids":{"instance":"i-0123456789ab%05d"}}`+"\n",
			i/60%60, i%60, i%400, answers, i%10, i%200+1, 1024+i%60000, i%100)
	}
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	const lines = 10000
	in := benchInput(lines)
	rd := bytes.NewReader(in)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		rd.Reset(in)
		d := NewDecoder(rd, testOpts())
		var o ingest.DNSObservation
		for {
			err := d.Next(&o)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "observations/s")
}

// loopReader repeats its data forever, for measuring a warm decoder.
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
	d := NewDecoder(&loopReader{data: benchInput(1000)}, testOpts())
	var o ingest.DNSObservation
	for i := 0; i < 2000; i++ {
		if err := d.Next(&o); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(3000, func() {
		if err := d.Next(&o); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%.2f allocations per observation in steady state, want 0", allocs)
	}
}
