package azureflow

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// goodLine is one VNet record with one tuple.
const goodLine = `{"flowLogVersion":4,"macAddress":"000D3A1B2C3D",` +
	`"targetResourceID":"/subscriptions/6ce15ab6-8bcb-4e4f-9b1c-0d2c5f1e2a77/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",` +
	`"flowRecords":{"flows":[{"flowGroups":[{"rule":"r","flowTuples":["1741600800000,10.0.0.4,10.0.0.5,50000,443,6,O,B,NX,0,0,0,0"]}]}]}}`

// repeat is a reader of n copies of one byte, so that a test can feed a 100 MB line
// without holding it.
type repeat struct {
	c byte
	n int
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range p[:k] {
		p[i] = r.c
	}
	r.n -= k
	return k, nil
}

func huge(prefix string, c byte, suffix string) io.Reader {
	return io.MultiReader(strings.NewReader(prefix), &repeat{c: c, n: 100 << 20}, strings.NewReader(suffix))
}

// reasons returns the reason of each rejected record, in order.
func reasons(errs []string) []string {
	var out []string
	for _, e := range errs {
		// "line 3: truncated: detail" → "truncated"
		parts := strings.SplitN(e, ": ", 3)
		if len(parts) > 1 {
			out = append(out, parts[1])
		}
	}
	return out
}

func TestHostileInput(t *testing.T) {
	tests := []struct {
		name    string
		input   func() io.Reader
		records int
		reasons []string
	}{
		{"empty", func() io.Reader { return strings.NewReader("") }, 0, nil},
		{"whitespace only", func() io.Reader { return strings.NewReader(" \n\r\n\t") }, 0, nil},
		{"byte order mark", func() io.Reader { return strings.NewReader("\xEF\xBB\xBF" + goodLine) }, 1, nil},
		{"empty blob", func() io.Reader { return strings.NewReader(`{"records":[]}`) }, 0, nil},
		{"blob without records key first", func() io.Reader {
			return strings.NewReader(`{"meta":1,"records":[` + goodLine + `]}`)
		}, 1, nil},
		{"blob with keys after the records", func() io.Reader {
			return strings.NewReader(`{"records":[` + goodLine + `],"more":{"a":["}",1]}}` + "\n" + goodLine)
		}, 2, nil},
		{"two blobs back to back", func() io.Reader {
			return strings.NewReader(`{"records":[` + goodLine + "]}\n" + `{"records":[` + goodLine + "]}")
		}, 2, nil},
		{"garbage between blob records", func() io.Reader {
			return strings.NewReader(`{"records":[` + goodLine + `, 42, ` + goodLine + `]}`)
		}, 2, []string{"not json"}},
		{"blob truncated inside a record", func() io.Reader {
			return strings.NewReader(`{"records":[` + goodLine + `,` + goodLine[:40])
		}, 1, []string{"truncated"}},
		{"blob truncated after a record", func() io.Reader {
			return strings.NewReader(`{"records":[` + goodLine + `,`)
		}, 1, []string{"truncated"}},
		{"line cut inside a string", func() io.Reader {
			return strings.NewReader(goodLine[:100] + "\n" + goodLine + "\n")
		}, 1, []string{"truncated"}},
		{"line cut between values", func() io.Reader {
			return strings.NewReader(`{"flowLogVersion":4,"flowRecords":{"flows":[` + "\n" + goodLine + "\n")
		}, 1, []string{"truncated"}},
		{"garbage line", func() io.Reader { return strings.NewReader("garbage\x00\xff\n" + goodLine) }, 1, []string{"not json"}},
		{"json that is not a record", func() io.Reader { return strings.NewReader(`{"a":1}` + "\n" + goodLine) }, 1, []string{"unknown record"}},
		{"deep nesting", func() io.Reader {
			return strings.NewReader(strings.Repeat("[", 5000) + "\n" + strings.Repeat("{\"a\":", 1000) + "1" + strings.Repeat("}", 1000) + "\n" + goodLine)
		}, 1, []string{"not json", "bad json"}},
		{"100 MB string in a blob record", func() io.Reader {
			return huge(`{"records":[{"flowLogVersion":4,"x":"`, 'a', `"},`+goodLine+"]}")
		}, 1, []string{"record too large"}},
		{"100 MB garbage line", func() io.Reader { return huge("", 'x', "\n"+goodLine) }, 1, []string{"not json"}},
		{"100 MB of open braces", func() io.Reader { return huge("", '{', "\n"+goodLine) }, 1, []string{"record too large"}},
		{"100 MB of whitespace", func() io.Reader { return huge("", ' ', goodLine) }, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(tt.input(), ingest.Options{Now: testNow})
			var got []string
			records := 0
			for i := 0; ; i++ {
				if i > 1000 {
					t.Fatal("decoder did not reach io.EOF")
				}
				var r flow.Record
				err := d.Next(&r)
				if err == io.EOF {
					break
				}
				var re *ingest.RecordError
				switch {
				case err == nil:
					records++
				case errors.As(err, &re):
					got = append(got, re.Reason)
				default:
					t.Fatalf("Next: stream error %v", err)
				}
			}
			if records != tt.records {
				t.Errorf("decoded %d records, want %d", records, tt.records)
			}
			if diff := cmp.Diff(got, tt.reasons); diff != "" {
				t.Errorf("rejections (-got, +want):\n%s", diff)
			}
			// A record too large is skipped, never held: the buffer stays near the limit.
			if n := cap(d.sc.buf); n > 2*maxRecord {
				t.Errorf("scanner buffer grew to %d bytes", n)
			}
		})
	}
}

// TestBlobStreams checks that a blob is read record by record: decoding a blob of
// many records holds about one record, not the blob.
func TestBlobStreams(t *testing.T) {
	data := synthBlob(200, 2000, false) // ~30 MB on one logical array
	d := NewDecoder(bytes.NewReader(data), ingest.Options{Now: testNow})
	var r flow.Record
	for {
		err := d.Next(&r)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := d.Stats(); got.Records != 200 || got.Tuples != 200*2000 {
		t.Errorf("Stats() = %+v, want 200 records and 400000 tuples", got)
	}
	if n, blob := cap(d.sc.buf), len(data); n > blob/10 {
		t.Errorf("scanner buffer %d bytes for a %d-byte blob: the blob was held, not streamed", n, blob)
	}
}

// failing is a reader that fails after its data.
type failing struct {
	r   io.Reader
	err error
}

func (f *failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

// TestReadError checks that the records read before a stream error are returned,
// then the error itself (not a RecordError).
func TestReadError(t *testing.T) {
	boom := errors.New("gzip: truncated")
	recs, errs, err := decodeReader(&failing{strings.NewReader(goodLine + "\n" + goodLine + "\n"), boom}, 1000)
	if len(recs) != 2 || len(errs) != 0 {
		t.Errorf("got %d records and rejections %v before the error, want 2 and none", len(recs), errs)
	}
	if !errors.Is(err, boom) || ingest.IsRecordError(err) {
		t.Errorf("error = %v, want the reader's error", err)
	}
}

// TestReadErrorInsideBlob checks that a reader failing inside a blob ends the
// stream with its error, not with a rejected record.
func TestReadErrorInsideBlob(t *testing.T) {
	boom := errors.New("connection reset")
	recs, _, err := decodeReader(&failing{strings.NewReader(`{"records":[` + goodLine + `,` + goodLine[:50]), boom}, 1000)
	if len(recs) != 1 || !errors.Is(err, boom) {
		t.Errorf("got %d records and error %v, want 1 record and the reader's error", len(recs), err)
	}
}
