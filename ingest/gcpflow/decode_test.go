package gcpflow

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/internal/testutil"
)

var testNow = time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)

// decodeAll reads every record and every rejection from in. A stream error fails
// the test; a decoder that never ends fails it too.
func decodeAll(t testing.TB, in []byte) (recs []flow.Record, rejects []string) {
	t.Helper()
	d := NewDecoder(bytes.NewReader(in), ingest.Options{Name: "test", Now: testNow})
	for range 2*bytes.Count(in, []byte("\n")) + 1000 {
		var r flow.Record
		err := d.Next(&r)
		switch {
		case err == nil:
			recs = append(recs, r)
		case errors.Is(err, io.EOF):
			return recs, rejects
		case ingest.IsRecordError(err):
			rejects = append(rejects, err.Error())
		default:
			t.Fatalf("Next() stream error: %v", err)
		}
	}
	t.Fatal("Next() did not reach io.EOF")
	return nil, nil
}

type golden struct {
	Records []testutil.Row
	Rejects []string
}

func TestDecodeGolden(t *testing.T) {
	for _, name := range []string{"flows.json.log", "flows-array.json"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			recs, rejects := decodeAll(t, in)
			testutil.Golden(t, filepath.Join("testdata", name+".golden"),
				testutil.JSON(t, golden{testutil.Rows(recs), rejects}))
		})
	}
}

// TestDecodeSplitting checks the ways entries can be laid out in a file, comparing
// what each yields with the same entries one per line.
func TestDecodeSplitting(t *testing.T) {
	const e1 = `{"jsonPayload":{"connection":{"src_ip":"10.0.0.1","src_port":1,"dest_ip":"10.0.0.2","dest_port":22,"protocol":6},"reporter":"SRC","bytes_sent":"10","packets_sent":"1","start_time":"2025-03-01T00:00:00Z","end_time":"2025-03-01T00:00:01Z","note":"[{\"}"},"logName":"projects/p1/logs/compute.googleapis.com%2Fvpc_flows"}`
	const e2 = `{"jsonPayload":{"connection":{"src_ip":"10.0.0.3","src_port":2,"dest_ip":"10.0.0.4","dest_port":443,"protocol":6},"reporter":"DEST","bytes_sent":"20","packets_sent":"2","start_time":"2025-03-01T00:00:02Z","end_time":"2025-03-01T00:00:03Z"},"logName":"projects/p2/logs/compute.googleapis.com%2Fvpc_flows"}`
	long := `{"pad":"` + strings.Repeat("x", ingest.MaxLine) + `"}`
	want, wantRejects := decodeAll(t, []byte(e1+"\n"+e2+"\n"))
	if len(want) != 2 || len(wantRejects) != 0 {
		t.Fatalf("baseline: %d records, rejects %v", len(want), wantRejects)
	}
	tests := []struct {
		name        string
		in          string
		wantRejects []string
	}{
		{"crlf and blank lines", "\r\n" + e1 + "\r\n\r\n" + e2, nil},
		{"byte order mark", "\xef\xbb\xbf" + e1 + "\n" + e2 + "\n", nil},
		{"array on one line", "[" + e1 + "," + e2 + "]", nil},
		{"array pretty", "[\n  " + e1 + ",\n  " + e2 + "\n]\n", nil},
		{"over-long line skipped", e1 + "\n" + long + "\n" + e2 + "\n", []string{"line 2: line too long: entry longer than 4194304 bytes skipped"}},
		{"over-long element skipped", "[" + e1 + ",\n" + long + ",\n" + e2 + "]", []string{"line 2: line too long: entry longer than 4194304 bytes skipped"}},
		{"truncated array", "[" + e1 + ",\n" + e2 + ",\n" + `{"jsonPayload":{`, []string{"line 3: truncated: input ends inside this entry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rejects := decodeAll(t, []byte(tt.in))
			if diff := cmp.Diff(testutil.Rows(got), testutil.Rows(want)); diff != "" {
				t.Errorf("records (-got, +want):\n%s", diff)
			}
			if diff := cmp.Diff(rejects, tt.wantRejects); diff != "" {
				t.Errorf("rejects (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	sample, err := os.ReadFile(filepath.Join("testdata", "flows.json.log"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"lines", string(sample[:512]), true},
		{"array", "[\n  {\n    \"insertId\": \"x\",\n    \"jsonPayload\": {\n      \"bytes_sent\": \"1\"", true},
		{"log name only", `{"insertId":"x","jsonPayload":{},"logName":"projects/p/logs/compute.googleapis.com%2Fvpc_flows"}`, true},
		{"firewall log", `{"insertId":"x","jsonPayload":{"connection":{"src_ip":"10.0.0.1"},"disposition":"ALLOWED"},"logName":"projects/p/logs/compute.googleapis.com%2Ffirewall"}`, false},
		{"azure blob", `{"records":[{"time":"2025-01-01T00:00:00Z","flowLogVersion":4}]}`, false},
		{"aws text", "version account-id interface-id srcaddr dstaddr\n", false},
		{"zeek json", `{"ts":1547188415.857497,"uid":"C1","id.orig_h":"192.168.86.167"}`, false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect([]byte(tt.head)); got != tt.want {
				t.Errorf("Detect() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDecodeAllocs guards the hot path: once the interner holds the repeated
// strings, decoding a record allocates nothing.
func TestDecodeAllocs(t *testing.T) {
	in := benchInput(t, 1000)
	d := NewDecoder(bytes.NewReader(in), ingest.Options{Now: testNow})
	var r flow.Record
	for range 100 { // warm the interner and the parser's caches
		if err := d.Next(&r); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(500, func() {
		if err := d.Next(&r); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0.1 {
		t.Errorf("Next() allocates %.2f times per record, want 0", allocs)
	}
}
