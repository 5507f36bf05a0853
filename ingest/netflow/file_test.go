package netflow

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/internal/testutil"
)

// readFile drains a FileDecoder: the records, and the record errors in between.
func readFile(t testing.TB, d *FileDecoder) ([]flow.Record, []error) {
	t.Helper()
	var recs []flow.Record
	var errs []error
	for range 1 << 20 {
		var r flow.Record
		err := d.Next(&r)
		switch {
		case err == nil:
			recs = append(recs, r)
		case errors.Is(err, io.EOF):
			return recs, errs
		case ingest.IsRecordError(err):
			errs = append(errs, err)
		default:
			t.Fatalf("Next() = %v", err)
		}
	}
	t.Fatal("Next() did not reach io.EOF")
	return nil, nil
}

func TestFileDecoder(t *testing.T) {
	v5 := buildV5(5_000, export, 0, 0, 0, v5Flow{src: "10.0.0.1", dst: "10.0.0.2", proto: 17, first: 4000, last: 4500})
	tpl := ipfixMessage(export, 7, ipfixTemplateSet(256, ipfixFields))
	data := ipfixMessage(export, 7, ipfixDataSet(256, ipfixFlow{src: "10.0.0.3", dst: "10.0.0.4", startMs: uint64(export) * 1000, endMs: uint64(export) * 1000}))
	v9 := v9Packet(100_000, export, 1, v9TemplateSet(300, v9Fields), v9DataSet(300, v9Flow{src: "2001:db8::1", dst: "2001:db8::2", first: 99_000, last: 99_000}))
	sf := sflowDatagram("192.0.2.50", 0, sflowSample{rate: 1, frameLen: 60, header: ethIPv4TCP("10.1.1.1", "10.2.2.2", 1, 2, 2)})
	cat := func(ps ...[]byte) []byte { return bytes.Join(ps, nil) }
	tests := []struct {
		name    string
		in      []byte
		flows   int
		reasons []string
	}{
		{"mixed payloads", cat(v5, tpl, data, v9, v9, sf, v5), 6, nil},
		{"data before template", cat(data, tpl, data), 1, []string{"unknown template"}},
		{"last payload cut short", cat(v5, v5[:40]), 1, []string{"truncated"}},
		{"garbage stops the file", cat(v5, []byte("garbage garbage"), v5), 1, []string{"bad version"}},
		{"empty", nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := readFile(t, NewFileDecoder(bytes.NewReader(tt.in), ingest.Options{Now: testNow, Name: "x.dat"}))
			if len(recs) != tt.flows {
				t.Errorf("read %d flows, want %d", len(recs), tt.flows)
			}
			var reasons []string
			for _, err := range errs {
				var re *ingest.RecordError
				errors.As(err, &re)
				reasons = append(reasons, re.Reason)
			}
			if len(reasons) != len(tt.reasons) || (len(reasons) > 0 && reasons[0] != tt.reasons[0]) {
				t.Errorf("errors %v, want reasons %v", errs, tt.reasons)
			}
			for _, r := range recs {
				if r.Format == FormatNetFlow && r.Exporter[:10] != "netflow/-/" {
					t.Errorf("exporter %q, want netflow/-/<domain> for a file", r.Exporter)
				}
			}
		})
	}
}

func TestTemplatesLearnedFromAnotherFile(t *testing.T) {
	dir := testutil.SharedFormats(t, "netflow")
	opts := ingest.Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	shared := NewDecoder(opts)
	tpl, err := os.ReadFile(filepath.Join(dir, "netflow9_test_cisco_asa_1_tpl.dat"))
	if err != nil {
		t.Fatal(err)
	}
	if err := shared.Learn(bytes.NewReader(tpl), "tpl"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "netflow9_test_cisco_asa_1_data.dat"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		d    *FileDecoder
		want int
	}{
		{"alone", NewFileDecoder(bytes.NewReader(data), opts), 0},
		{"with the learned templates", NewFileDecoderFrom(bytes.NewReader(data), opts, shared), 14},
	} {
		n := 0
		var r flow.Record
		for {
			err := tc.d.Next(&r)
			if err == io.EOF {
				break
			}
			if err == nil {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%s: %d flows, want %d", tc.name, n, tc.want)
		}
	}
}
