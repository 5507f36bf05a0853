package netflow

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/internal/testutil"
)

// testdataFiles are the payload files in testdata/, built here so that their bytes
// are documented; -update rewrites them along with the golden outputs.
func testdataFiles() map[string][]byte {
	ms := uint64(export) * 1000
	return map[string][]byte{
		"v5.dat": bytes.Join([][]byte{
			buildV5(3_600_000, export, 500_000_000, 1, 0,
				v5Flow{src: "10.10.1.20", dst: "10.10.2.30", sport: 52100, dport: 445, proto: 6, flags: 0x1a, packets: 40, octets: 52000, first: 3_590_000, last: 3_599_000},
				v5Flow{src: "10.10.2.30", dst: "10.10.1.20", sport: 445, dport: 52100, proto: 6, flags: 0x1a, packets: 38, octets: 4100, first: 3_590_010, last: 3_599_000}),
			buildV5(3_660_000, export+60, 0, 1, 0,
				v5Flow{src: "10.10.1.20", dst: "8.8.8.8", sport: 40000, dport: 53, proto: 17, packets: 1, octets: 70, first: 3_659_000, last: 3_659_000},
				v5Flow{src: "10.10.1.20", dst: "10.10.9.9", proto: 1, packets: 3, octets: 252, first: 3_650_000, last: 3_652_000}),
		}, nil),
		"ipfix.dat": bytes.Join([][]byte{
			ipfixMessage(export, 5, ipfixTemplateSet(256, ipfixFields)),
			ipfixMessage(export+1, 5, ipfixDataSet(256,
				ipfixFlow{src: "172.16.0.5", dst: "104.18.32.47", sport: 55555, dport: 443, proto: 6, flags: 0x1b, octets: 9_800_000, packets: 7000, startMs: ms - 120_000, endMs: ms - 1_000},
				ipfixFlow{src: "172.16.0.5", dst: "172.16.0.1", sport: 123, dport: 123, proto: 17, octets: 76, packets: 1, startMs: ms, endMs: ms})),
		}, nil),
		"v9.dat": v9Packet(500_000, export, 9, v9TemplateSet(300, v9Fields), v9DataSet(300,
			v9Flow{src: "2001:db8:1::10", dst: "2001:db8:2::20", sport: 51000, dport: 22, proto: 6, octets: 3000, pkts: 20, first: 490_000, last: 499_000, fwEvent: 2},
			v9Flow{src: "2001:db8:1::10", dst: "2001:db8:3::30", sport: 51001, dport: 23, proto: 6, first: 499_900, last: 499_900, fwEvent: 3})),
		"sflow.dat": sflowDatagram("192.0.2.77", 1,
			sflowSample{rate: 2048, frameLen: 1514, header: ethIPv4TCP("10.20.0.5", "10.30.0.6", 3389, 50123, 0x10)},
			sflowSample{rate: 2048, frameLen: 110, header: ethIPv6UDP("2001:db8::5", "2001:db8::6", 40000, 53), expanded: true}),
	}
}

func TestGolden(t *testing.T) {
	update := flag.Lookup("update") != nil && flag.Lookup("update").Value.String() == "true"
	for name, want := range testdataFiles() {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			if update {
				if err := os.WriteFile(path, want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(in, want) {
				t.Errorf("%s differs from what the test builds; run with -update", path)
			}
			recs, errs := readFile(t, NewFileDecoder(bytes.NewReader(in), ingest.Options{Now: testNow, Name: path}))
			if len(errs) != 0 {
				t.Errorf("errors: %v", errs)
			}
			testutil.Golden(t, path+".golden.json", testutil.JSON(t, testutil.Rows(recs)))
		})
	}
}
