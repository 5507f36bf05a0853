package zeek

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

func testOptions(name string) ingest.Options { return ingest.Options{Name: name, Now: testNow} }

// drain calls next until io.EOF, collecting rejections; a stream error or a
// decoder that never ends fails the test.
func drain(t testing.TB, in []byte, next func() error) (rejects []string) {
	t.Helper()
	for range 2*bytes.Count(in, []byte("\n")) + 100 {
		err := next()
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			return rejects
		case ingest.IsRecordError(err):
			rejects = append(rejects, err.Error())
		default:
			t.Fatalf("Next() stream error: %v", err)
		}
	}
	t.Fatal("Next() did not reach io.EOF")
	return nil
}

func decodeConn(t testing.TB, name string, in []byte) (recs []flow.Record, rejects []string) {
	d := NewConnDecoder(bytes.NewReader(in), testOptions(name))
	rejects = drain(t, in, func() error {
		var r flow.Record
		err := d.Next(&r)
		if err == nil {
			recs = append(recs, r)
		}
		return err
	})
	return recs, rejects
}

// observation is an ingest.DNSObservation as a golden file shows it.
type observation struct {
	Time, IP, Domain, TTL, Source string
}

func decodeDNS(t testing.TB, d ingest.DNSDecoder, in []byte) (obs []observation, rejects []string) {
	rejects = drain(t, in, func() error {
		var o ingest.DNSObservation
		err := d.Next(&o)
		if err == nil {
			obs = append(obs, observation{o.Time.Format(time.RFC3339Nano), o.IP.String(), o.Domain, o.TTL.String(), o.Source})
		}
		return err
	})
	return obs, rejects
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConnGolden(t *testing.T) {
	for _, name := range []string{"conn.log", "conn.json.log"} {
		t.Run(name, func(t *testing.T) {
			recs, rejects := decodeConn(t, "/var/log/zeek/"+name, read(t, name))
			testutil.Golden(t, filepath.Join("testdata", name+".golden"), testutil.JSON(t, struct {
				Records []testutil.Row
				Rejects []string
			}{testutil.Rows(recs), rejects}))
		})
	}
}

func TestObservationsGolden(t *testing.T) {
	tests := []struct {
		name string
		dec  func(io.Reader, ingest.Options) ingest.DNSDecoder
	}{
		{"dns.log", func(r io.Reader, o ingest.Options) ingest.DNSDecoder { return NewDNSDecoder(r, o) }},
		{"dns.json.log", func(r io.Reader, o ingest.Options) ingest.DNSDecoder { return NewDNSDecoder(r, o) }},
		{"ssl.log", func(r io.Reader, o ingest.Options) ingest.DNSDecoder { return NewSSLDecoder(r, o) }},
		{"ssl.json.log", func(r io.Reader, o ingest.Options) ingest.DNSDecoder { return NewSSLDecoder(r, o) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := read(t, tt.name)
			obs, rejects := decodeDNS(t, tt.dec(bytes.NewReader(in), testOptions(tt.name)), in)
			testutil.Golden(t, filepath.Join("testdata", tt.name+".golden"), testutil.JSON(t, struct {
				Observations []observation
				Rejects      []string
			}{obs, rejects}))
		})
	}
}

// TestConnLayouts checks that the ways a conn.log can be laid out read the same.
func TestConnLayouts(t *testing.T) {
	const fields = "#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\torig_bytes\n"
	const row = "1741082401.5\t10.0.0.1\t1000\t10.0.0.2\t22\ttcp\t77\n"
	want, wantRejects := decodeConn(t, "x", []byte(fields+row))
	if len(want) != 1 || len(wantRejects) != 0 || want[0].Bytes != 77 {
		t.Fatalf("baseline: %+v, rejects %v", want, wantRejects)
	}
	long := strings.Repeat("x", ingest.MaxLine+10) + "\n"
	tests := []struct {
		name        string
		in          string
		wantRecs    int
		wantRejects []string
	}{
		{"crlf", strings.ReplaceAll(fields+row, "\n", "\r\n"), 1, nil},
		{"fields reordered", "#fields\tproto\torig_bytes\tid.resp_p\tid.resp_h\tid.orig_p\tid.orig_h\tts\n" +
			"tcp\t77\t22\t10.0.0.2\t1000\t10.0.0.1\t1741082401.5\n", 1, nil},
		{"other separator", "#separator \\x7c\n#fields|ts|id.orig_h|id.orig_p|id.resp_h|id.resp_p|proto|orig_bytes\n" +
			"1741082401.5|10.0.0.1|1000|10.0.0.2|22|tcp|77\n", 1, nil},
		{"headers repeat", fields + row + "#close\t2025-03-04-11-00-00\n#separator \\x09\n" + fields + row, 2, nil},
		{"json among tsv", fields + `{"ts":1741082401.5,"id.orig_h":"10.0.0.1","id.orig_p":1000,"id.resp_h":"10.0.0.2","id.resp_p":22,"proto":"tcp","orig_bytes":77}` + "\n" + row, 2, nil},
		{"over-long line skipped", fields + long + row, 1, []string{"line 2: line too long: longer than 4194304 bytes, skipped"}},
		{"over-long last line", fields + row + strings.TrimSuffix(long, "\n"), 1, []string{"line 3: line too long: longer than 4194304 bytes, skipped"}},
		{"no header", row + fields + row, 1, []string{"line 1: no header: a TSV line before any #fields header"}},
		{"bad separator", "#separator \\x0\n" + fields + row, 1, []string{`line 1: bad header: #separator "\\x0"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rejects := decodeConn(t, "x", []byte(tt.in))
			if len(got) != tt.wantRecs {
				t.Fatalf("got %d records, want %d (rejects %q)", len(got), tt.wantRecs, rejects)
			}
			for i := range got {
				if diff := cmp.Diff(testutil.Rows(got[i:i+1]), testutil.Rows(want)); diff != "" {
					t.Errorf("record %d (-got, +want):\n%s", i, diff)
				}
			}
			if diff := cmp.Diff(rejects, tt.wantRejects); diff != "" {
				t.Errorf("rejects (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name   string
		head   string
		want   string
		wantOK bool
	}{
		{"conn tsv", string(read(t, "conn.log")[:300]), FormatConn, true},
		{"dns tsv", string(read(t, "dns.log")), FormatDNS, true},
		{"ssl tsv", string(read(t, "ssl.log")[:200]), FormatSSL, true},
		{"conn json", string(read(t, "conn.json.log")[:512]), FormatConn, true},
		{"conn json, head cut short", string(read(t, "conn.json.log")[:120]), "", false},
		{"dns json", string(read(t, "dns.json.log")), FormatDNS, true},
		{"ssl json", string(read(t, "ssl.json.log")), FormatSSL, true},
		{"json with _path", `{"_path":"dns","ts":1}`, FormatDNS, true},
		{"http tsv", "#separator \\x09\n#set_separator\t,\n#path\thttp\n", "", false},
		{"http json", `{"ts":1,"uid":"C1","id.orig_h":"10.0.0.1","method":"GET","host":"x"}`, "", false},
		{"gcp", `{"insertId":"x","jsonPayload":{"bytes_sent":"1"}}`, "", false},
		{"aws", "version account-id interface-id srcaddr\n", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Detect([]byte(tt.head))
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Detect() = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseTS(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1547188415.857497", time.Date(2019, 1, 11, 6, 33, 35, 857497000, time.UTC), true},
		{"1547188415", time.Date(2019, 1, 11, 6, 33, 35, 0, time.UTC), true},
		{"1547188415.8574971234", time.Date(2019, 1, 11, 6, 33, 35, 857497123, time.UTC), true},
		{"1.5471884158e9", time.Date(2019, 1, 11, 6, 33, 35, 800000000, time.UTC), true},
		{"2021-06-09T20:55:13.160328Z", time.Date(2021, 6, 9, 20, 55, 13, 160328000, time.UTC), true},
		{"2021-06-09T20:55:13+02:00", time.Date(2021, 6, 9, 18, 55, 13, 0, time.UTC), true},
		{"-1547188415", time.Time{}, false},
		{"15471884x5", time.Time{}, false},
		{"99999999999999999999", time.Time{}, false},
		{"2021-06-09", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseTS([]byte(tt.in))
		if ok != tt.ok || got.Sub(tt.want).Abs() > time.Microsecond {
			t.Errorf("parseTS(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestExporterOf(t *testing.T) {
	for name, want := range map[string]string{
		"/var/log/zeek/current/conn.log":       "zeek/conn",
		"logs/conn.2025-03-04-10-00-00.log.gz": "zeek/conn",
		"/data/sensor-b-conn.json":             "zeek/sensor-b-conn",
		"":                                     "zeek",
		"s3://bucket/zeek/2025-03-04/conn.log.gz": "zeek/conn",
	} {
		if got := exporterOf(name); got != want {
			t.Errorf("exporterOf(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestAllocs guards the hot path: once the interner holds the repeated strings,
// decoding a record allocates nothing, in either writer's form.
func TestAllocs(t *testing.T) {
	for _, form := range []string{"tsv", "json"} {
		t.Run(form, func(t *testing.T) {
			in := benchInput(t, form, 2000)
			d := NewConnDecoder(bytes.NewReader(in), testOptions("conn.log"))
			var r flow.Record
			for range 100 {
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
		})
	}
}
