package netflow

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

// FuzzPacket checks that no payload makes the decoder panic or hang, or emit a
// record that breaks the Record contract, and that a FileDecoder over the same
// bytes ends. Each input is given twice, so that templates it announces are used.
func FuzzPacket(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.dat"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, b := range testdataFiles() {
		f.Add(b[:len(b)/2])
	}
	f.Add(ipfixMessage(export, 0, buf{}.u16(2).u16(8).u16(256).u16(1).u16(1).u16(varLen)))
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(ingest.Options{Now: testNow})
		check := func(r *flow.Record) {
			if r.End.Before(r.Start) || r.Flows < 1 || !r.SrcIP.IsValid() || !r.DstIP.IsValid() ||
				(r.Format != FormatNetFlow && r.Format != FormatSFlow) || r.Exporter == "" {
				t.Fatalf("record breaks the contract: %+v", *r)
			}
		}
		for range 2 {
			err := d.Packet(netip.MustParseAddrPort("192.0.2.1:1"), in, check)
			if err != nil && !ingest.IsRecordError(err) {
				t.Fatalf("Packet() = %v, want nil or a *ingest.RecordError", err)
			}
		}
		recs, _ := readFile(t, NewFileDecoder(bytes.NewReader(in), ingest.Options{Now: testNow}))
		for i := range recs {
			check(&recs[i])
		}
	})
}
