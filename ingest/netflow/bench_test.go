package netflow

import (
	"net/netip"
	"testing"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
)

func benchPackets(b *testing.B, flowsPer int, payloads ...[]byte) {
	d := NewDecoder(ingest.Options{Now: testNow})
	addr := netip.MustParseAddrPort("192.0.2.1:2055")
	var sink uint64
	emit := func(r *flow.Record) { sink += r.Bytes }
	// Templates first, outside the timing.
	for _, p := range payloads {
		_ = d.Packet(addr, p, emit)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, p := range payloads {
			if err := d.Packet(addr, p, emit); err != nil {
				b.Fatal(err)
			}
		}
		n += flowsPer
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "flows/s")
	_ = sink
}

func BenchmarkPacketV5(b *testing.B) {
	flows := make([]v5Flow, 30)
	for i := range flows {
		flows[i] = v5Flow{src: "10.0.0.1", dst: "10.0.1.2", sport: uint16(1000 + i), dport: 443, proto: 6, packets: 10, octets: 9000, first: 1000, last: 2000}
	}
	benchPackets(b, 30, buildV5(3000, export, 0, 0, 0, flows...))
}

func BenchmarkPacketIPFIX(b *testing.B) {
	flows := make([]ipfixFlow, 35) // 35 records of 58 bytes: a 1,400-byte datagram
	ms := uint64(export) * 1000
	for i := range flows {
		flows[i] = ipfixFlow{src: "10.0.0.1", dst: "10.0.1.2", sport: uint16(1000 + i), dport: 443, proto: 6, octets: 9000, packets: 10, startMs: ms - 1000, endMs: ms}
	}
	benchPackets(b, 35, ipfixMessage(export, 1, ipfixTemplateSet(256, ipfixFields), ipfixDataSet(256, flows...)))
}

func BenchmarkPacketSFlow(b *testing.B) {
	samples := make([]sflowSample, 8)
	for i := range samples {
		samples[i] = sflowSample{rate: 1024, frameLen: 1500, header: ethIPv4TCP("10.0.0.1", "10.0.1.2", uint16(1000+i), 443, 0x10)}
	}
	benchPackets(b, 8, sflowDatagram("192.0.2.1", 0, samples...))
}
