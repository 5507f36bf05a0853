package route53

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
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/internal/testutil"
)

var testNow = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)

func testOpts() ingest.Options { return ingest.Options{Name: "resolver.log", Now: testNow} }

// obs is a DNSObservation flattened for golden files and diffs.
type obs struct {
	Time   string
	IP     string
	Domain string
	TTL    time.Duration
	Source string
}

type decoded struct {
	Observations []obs
	Errors       []string
	Stats        Stats
}

func decodeAll(t testing.TB, r io.Reader, opts ingest.Options) decoded {
	t.Helper()
	d := NewDecoder(r, opts)
	var out decoded
	for {
		var o ingest.DNSObservation
		err := d.Next(&o)
		if err == io.EOF {
			break
		}
		if err != nil {
			if !ingest.IsRecordError(err) {
				t.Fatalf("Next() stream error: %v", err)
			}
			out.Errors = append(out.Errors, err.Error())
			continue
		}
		out.Observations = append(out.Observations, obs{
			Time: o.Time.Format(time.RFC3339Nano), IP: o.IP.String(), Domain: o.Domain, TTL: o.TTL, Source: o.Source,
		})
	}
	out.Stats = d.Stats()
	return out
}

func TestDecodeGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.log")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := decodeAll(t, f, testOpts())
			testutil.Golden(t, strings.TrimSuffix(file, ".log")+".golden.json", testutil.JSON(t, got))
		})
	}
}

func TestDecodeCases(t *testing.T) {
	line := func(ts, name, answers string) string {
		return `{"version":"1.100000","query_timestamp":"` + ts + `","query_name":"` + name +
			`","answers":[` + answers + `]}` + "\n"
	}
	tests := []struct {
		name    string
		input   string
		want    []obs
		wantErr []string
	}{{
		name:  "one observation per A answer, cname skipped, name lower-cased",
		input: line("2024-05-29T16:00:00Z", "WWW.Example.com.", `{"Rdata":"x.cdn.net.","Type":"CNAME"},{"Rdata":"192.0.2.1","Type":"A"},{"Rdata":"192.0.2.2","Type":"A"}`),
		want: []obs{
			{"2024-05-29T16:00:00Z", "192.0.2.1", "www.example.com", 0, "route53"},
			{"2024-05-29T16:00:00Z", "192.0.2.2", "www.example.com", 0, "route53"},
		},
	}, {
		name:  "offset converted to UTC",
		input: line("2024-05-29T12:00:00.5-04:00", "a.example.", `{"Rdata":"2001:db8::1","Type":"AAAA"}`),
		want:  []obs{{"2024-05-29T16:00:00.5Z", "2001:db8::1", "a.example", 0, "route53"}},
	}, {
		name:    "a bad line does not stop the next",
		input:   "not json\n" + line("2024-05-29T16:00:00Z", "b.example.", `{"Rdata":"192.0.2.3","Type":"A"}`),
		want:    []obs{{"2024-05-29T16:00:00Z", "192.0.2.3", "b.example", 0, "route53"}},
		wantErr: []string{"bad json"},
	}, {
		name:    "an A answer with an IPv6 address rejects the line",
		input:   line("2024-05-29T16:00:00Z", "c.example.", `{"Rdata":"192.0.2.4","Type":"A"},{"Rdata":"2001:db8::1","Type":"A"}`),
		wantErr: []string{"bad ip"},
	}, {
		name:    "future time",
		input:   line("2024-06-03T00:00:00Z", "d.example.", `{"Rdata":"192.0.2.5","Type":"A"}`),
		wantErr: []string{"bad time"},
	}, {
		name:    "zone in address",
		input:   line("2024-05-29T16:00:00Z", "e.example.", `{"Rdata":"fe80::1%eth0","Type":"AAAA"}`),
		wantErr: []string{"bad ip"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(strings.NewReader(tt.input), testOpts())
			var got []obs
			var gotErr []string
			for {
				var o ingest.DNSObservation
				err := d.Next(&o)
				if err == io.EOF {
					break
				}
				var re *ingest.RecordError
				if errors.As(err, &re) {
					gotErr = append(gotErr, re.Reason)
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, obs{o.Time.Format(time.RFC3339Nano), o.IP.String(), o.Domain, o.TTL, o.Source})
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("observations (-got, +want):\n%s", diff)
			}
			if diff := cmp.Diff(gotErr, tt.wantErr); diff != "" {
				t.Errorf("rejections (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestDecodeLongLines(t *testing.T) {
	good := `{"query_timestamp":"2024-05-29T16:00:00Z","query_name":"a.example.","answers":[{"Rdata":"192.0.2.1","Type":"A"}]}` + "\n"
	var in bytes.Buffer
	in.WriteString(good)
	in.WriteString(`{"query_name":"`)
	in.Write(bytes.Repeat([]byte("a"), 1<<20))
	in.WriteString("\"}\n")
	in.WriteString(good)
	in.Write(bytes.Repeat([]byte("{"), ingest.MaxLine+10))
	in.WriteString("\n")
	in.WriteString(good)
	got := decodeAll(t, &in, testOpts())
	if len(got.Observations) != 3 {
		t.Errorf("%d observations, want 3", len(got.Observations))
	}
	want := []string{"line 2: missing field: query_timestamp", "line 4: line too long: longer than 4194304 bytes"}
	if diff := cmp.Diff(got.Errors, want); diff != "" {
		t.Errorf("rejections (-got, +want):\n%s", diff)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"resolver line", `{"version":"1.100000","query_timestamp":"2021-02-04T17:51:55Z","query_name":"a."}` + "\n", true},
		{"blank first", "\n  \n" + `{"query_timestamp":"x","query_name":"a."}`, true},
		{"gcp flow", `{"insertId":"1","jsonPayload":{"connection":{}}}`, false},
		{"azure blob", `{"records":[{"time":"x"}]}`, false},
		{"vpc flow", "2 123456789012 eni-1 10.0.1.5 10.0.2.9 1 2 6 1 2 1716998400 1716998460 ACCEPT OK\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("%s: Detect(%q) = %v, want %v", tt.name, tt.head, got, tt.want)
		}
	}
}
