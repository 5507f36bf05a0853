package awsvpc

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

// testKey is an S3 key as AWS writes it, so that lines without account or region
// fall back to it.
const testKey = "bucket/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/05/29/" +
	"123456789012_vpcflowlogs_eu-west-1_fl-0a1b2c3d_20240529T1600Z_0a1b2c3d.log.gz"

var testNow = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)

func testOpts() ingest.Options { return ingest.Options{Name: testKey, Now: testNow} }

// decoded is everything a Decoder made of one input, in the shape of a golden file.
type decoded struct {
	Records []testutil.Row
	Errors  []string
	Stats   Stats
}

// decodeAll reads r to the end; a stream error fails the test.
func decodeAll(t testing.TB, r io.Reader, opts ingest.Options) decoded {
	t.Helper()
	d := NewDecoder(r, opts)
	var recs []flow.Record
	var errs []string
	for {
		var rec flow.Record
		err := d.Next(&rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			if !ingest.IsRecordError(err) {
				t.Fatalf("Next() stream error: %v", err)
			}
			errs = append(errs, err.Error())
			continue
		}
		recs = append(recs, rec)
	}
	return decoded{Records: testutil.Rows(recs), Errors: errs, Stats: d.Stats()}
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
	base := testutil.Row{
		Start: "2024-05-29T16:00:00Z", End: "2024-05-29T16:01:00Z",
		Proto: "tcp", Flows: 1, Action: "allow", Format: Format, Cloud: "aws",
		Account: "123456789012", Region: "eu-west-1",
	}
	row := func(f func(r *testutil.Row)) testutil.Row {
		r := base
		f(&r)
		return r
	}
	const v5 = "version account-id interface-id instance-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr " +
		"srcport dstport protocol packets bytes start end action log-status flow-direction\n"
	tests := []struct {
		name  string
		opts  ingest.Options
		input string
		want  []testutil.Row
	}{{
		name:  "nat gateway: packet addresses are the real ends",
		opts:  testOpts(),
		input: v5 + "5 123456789012 eni-1 - 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5 40001 443 6 1 2 1716998400 1716998460 ACCEPT OK ingress\n",
		want: []testutil.Row{row(func(r *testutil.Row) {
			r.Src, r.Dst, r.SrcPort, r.DstPort, r.Packets, r.Bytes = "10.0.1.5", "203.0.113.5", 40001, 443, 1, 2
			r.Reporter, r.Exporter = "dst", "aws-vpc/123456789012/eni-1"
		})},
	}, {
		name:  "egress: the instance is the source",
		opts:  testOpts(),
		input: v5 + "5 123456789012 eni-1 i-1 10.0.1.5 10.0.2.9 - - 1 2 6 1 2 1716998400 1716998460 ACCEPT OK egress\n",
		want: []testutil.Row{row(func(r *testutil.Row) {
			r.Src, r.Dst, r.SrcPort, r.DstPort, r.Packets, r.Bytes = "10.0.1.5", "10.0.2.9", 1, 2, 1, 2
			r.Reporter, r.Exporter, r.SrcInstance = "src", "aws-vpc/123456789012/eni-1", "i-1"
		})},
	}, {
		name:  "ingress: the instance is the destination",
		opts:  testOpts(),
		input: v5 + "5 123456789012 eni-1 i-1 10.0.1.5 10.0.2.9 - - 1 2 6 1 2 1716998400 1716998460 ACCEPT OK ingress\n",
		want: []testutil.Row{row(func(r *testutil.Row) {
			r.Src, r.Dst, r.SrcPort, r.DstPort, r.Packets, r.Bytes = "10.0.1.5", "10.0.2.9", 1, 2, 1, 2
			r.Reporter, r.Exporter, r.DstInstance = "dst", "aws-vpc/123456789012/eni-1", "i-1"
		})},
	}, {
		name:  "no direction: no reporter, no instance",
		opts:  testOpts(),
		input: v5 + "5 123456789012 eni-1 i-1 10.0.1.5 10.0.2.9 - - 1 2 6 1 2 1716998400 1716998460 REJECT OK -\n",
		want: []testutil.Row{row(func(r *testutil.Row) {
			r.Src, r.Dst, r.SrcPort, r.DstPort, r.Packets, r.Bytes = "10.0.1.5", "10.0.2.9", 1, 2, 1, 2
			r.Action, r.Exporter = "deny", "aws-vpc/123456789012/eni-1"
		})},
	}, {
		name:  "no key, no account field: origin stays empty",
		opts:  ingest.Options{Name: "/tmp/flows.log", Now: testNow},
		input: "srcaddr dstaddr start end\n10.0.1.5 10.0.2.9 1716998400 1716998460\n",
		want: []testutil.Row{row(func(r *testutil.Row) {
			r.Src, r.Dst, r.Proto, r.Action, r.Account, r.Region = "10.0.1.5", "10.0.2.9", "0", "", "", ""
			r.Exporter = "aws-vpc//"
		})},
	}, {
		name:  "hive-style key gives account and region",
		opts:  ingest.Options{Name: "AWSLogs/aws-account-id=210987654321/aws-service=vpcflowlogs/aws-region=ap-south-1/year=2024/x.log", Now: testNow},
		input: "srcaddr dstaddr start end\n10.0.1.5 10.0.2.9 1716998400 1716998460\n",
		want: []testutil.Row{row(func(r *testutil.Row) {
			r.Src, r.Dst, r.Proto, r.Action, r.Account, r.Region = "10.0.1.5", "10.0.2.9", "0", "", "210987654321", "ap-south-1"
			r.Exporter = "aws-vpc/210987654321/"
		})},
	}, {
		name:  "crlf line ends",
		opts:  testOpts(),
		input: "2 123456789012 eni-1 10.0.1.5 10.0.2.9 1 2 6 1 2 1716998400 1716998460 ACCEPT OK\r\n",
		want: []testutil.Row{row(func(r *testutil.Row) {
			r.Src, r.Dst, r.SrcPort, r.DstPort, r.Packets, r.Bytes = "10.0.1.5", "10.0.2.9", 1, 2, 1, 2
			r.Exporter = "aws-vpc/123456789012/eni-1"
		})},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeAll(t, strings.NewReader(tt.input), tt.opts)
			if len(got.Errors) > 0 {
				t.Errorf("errors: %q", got.Errors)
			}
			if diff := cmp.Diff(got.Records, tt.want); diff != "" {
				t.Errorf("Decode() (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestDecodeLongLines(t *testing.T) {
	good := "2 123456789012 eni-1 10.0.1.5 10.0.2.9 1 2 6 1 2 1716998400 1716998460 ACCEPT OK\n"
	var in bytes.Buffer
	in.WriteString(good)
	in.Write(bytes.Repeat([]byte("x"), 1<<20)) // 1 MiB: read whole, rejected on its fields
	in.WriteString("\n")
	in.WriteString(good)
	in.Write(bytes.Repeat([]byte("7 "), ingest.MaxLine)) // 8 MiB: over MaxLine, skipped unread
	in.WriteString("\n")
	in.WriteString(good)
	in.Write(bytes.Repeat([]byte("y"), ingest.MaxLine+1)) // over MaxLine at the end, no newline

	d := NewDecoder(&in, testOpts())
	var got []string
	for {
		var r flow.Record
		err := d.Next(&r)
		if err == io.EOF {
			break
		}
		var re *ingest.RecordError
		switch {
		case errors.As(err, &re):
			got = append(got, re.Reason)
		case err != nil:
			t.Fatalf("Next(): %v", err)
		default:
			got = append(got, "ok")
		}
	}
	want := []string{"ok", "field count", "ok", "line too long", "ok", "line too long"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("results (-got, +want):\n%s", diff)
	}
	if d.lines.Line() != 6 {
		t.Errorf("line count = %d, want 6", d.lines.Line())
	}
}

// failingReader fails after its data, as a truncated gzip stream does.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func TestDecodeStreamError(t *testing.T) {
	in := "2 123456789012 eni-1 10.0.1.5 10.0.2.9 1 2 6 1 2 1716998400 1716998460 ACCEPT OK\n"
	d := NewDecoder(failingReader{strings.NewReader(in)}, testOpts())
	var r flow.Record
	if err := d.Next(&r); err != nil {
		t.Fatalf("first Next() = %v", err)
	}
	err := d.Next(&r)
	if !errors.Is(err, io.ErrUnexpectedEOF) || ingest.IsRecordError(err) {
		t.Fatalf("Next() = %v, want a stream error wrapping io.ErrUnexpectedEOF", err)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"v2 header", "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n", true},
		{"custom header", "srcaddr dstaddr pkt-srcaddr flow-direction\n1.2.3.4", true},
		{"v2 record", "2 123456789012 eni-1 10.0.1.5 10.0.2.9 1 2 6 1 2 1716998400 1716998460 ACCEPT OK\n", true},
		{"blank first", "\n\n2 123456789012 eni-1 - - - - - - - 1716998400 1716998460 - NODATA", true},
		{"v5 record", "5 1 eni-1 1.1.1.1 2.2.2.2 1 2 6 1 1 1 1 ACCEPT OK vpc subnet i 0 IPv4 1.1.1.1 2.2.2.2 r az - - - - ingress 1\n", true},
		{"zeek", "#separator \\x09\n#fields\tts\tuid\n", false},
		{"json", `{"records":[]}`, false},
		{"prose", "this is not a flow log at all\n", false},
		{"wrong status", "2 123456789012 eni-1 10.0.1.5 10.0.2.9 1 2 6 1 2 1716998400 1716998460 ACCEPT FINE\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect([]byte(tt.head)); got != tt.want {
				t.Errorf("Detect(%q) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}

func TestKeyOrigin(t *testing.T) {
	tests := []struct{ key, account, region string }{
		{testKey, "123456789012", "eu-west-1"},
		{"AWSLogs/123456789012/vpcflowlogs/us-east-2/2024/01/01/f.log.gz", "123456789012", "us-east-2"},
		{"AWSLogs/o-abc123/123456789012/vpcflowlogs/us-east-2/2024/01/01/f.log.gz", "123456789012", "us-east-2"},
		{`C:\logs\AWSLogs\123456789012\vpcflowlogs\sa-east-1\f.log`, "123456789012", "sa-east-1"},
		{"AWSLogs/123456789012/CloudTrail/us-east-2/f.json.gz", "", ""},
		{"AWSLogs/notanaccount/vpcflowlogs/us-east-2/f.log", "", "us-east-2"},
		{"flows.log", "", ""},
	}
	for _, tt := range tests {
		acc, reg := keyOrigin(tt.key)
		if acc != tt.account || reg != tt.region {
			t.Errorf("keyOrigin(%q) = %q, %q; want %q, %q", tt.key, acc, reg, tt.account, tt.region)
		}
	}
}
