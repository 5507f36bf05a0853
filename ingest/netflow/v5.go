package netflow

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/weirhq/weir/flow"
)

// NetFlow v5 layout (Cisco, "NetFlow Export Datagram Format"): a 24-byte header
// then count records of 48 bytes.
const (
	v5Header = 24
	v5Record = 48
)

func (d *Decoder) v5(addr netip.Addr, p []byte, emit func(*flow.Record)) error {
	if len(p) < v5Header {
		return reject(0, "truncated", "v5 header needs %d bytes, payload has %d", v5Header, len(p))
	}
	count := int(binary.BigEndian.Uint16(p[2:]))
	if count == 0 || count > maxV5Count {
		return reject(2, "bad header", "v5 record count %d", count)
	}
	if need := v5Header + count*v5Record; len(p) < need {
		return reject(len(p), "truncated", "v5 packet of %d records needs %d bytes, payload has %d", count, need, len(p))
	}
	uptime := binary.BigEndian.Uint32(p[4:])
	export := time.Unix(int64(binary.BigEndian.Uint32(p[8:])), int64(binary.BigEndian.Uint32(p[12:])%1e9)).UTC()
	engineID := uint32(p[21])
	// The top two bits say the sampling mode, the other 14 the interval.
	sampling := uint64(binary.BigEndian.Uint16(p[22:]) & 0x3fff)
	if sampling == 0 {
		sampling = 1
	}
	exporter := d.exporterID(FormatNetFlow, addr, engineID)
	now := d.clock()
	skip := skipped{domain: exporter}

	for i := range count {
		b := p[v5Header+i*v5Record : v5Header+(i+1)*v5Record]
		r := d.start(FormatNetFlow, exporter)
		r.SrcIP = netip.AddrFrom4([4]byte(b[0:4]))
		r.DstIP = netip.AddrFrom4([4]byte(b[4:8]))
		r.Packets = uint64(binary.BigEndian.Uint32(b[16:])) * sampling
		r.Bytes = uint64(binary.BigEndian.Uint32(b[20:])) * sampling
		r.Start = sinceUptime(export, uptime, binary.BigEndian.Uint32(b[24:]))
		r.End = sinceUptime(export, uptime, binary.BigEndian.Uint32(b[28:]))
		r.SrcPort = binary.BigEndian.Uint16(b[32:])
		r.DstPort = binary.BigEndian.Uint16(b[34:])
		r.TCPFlags = uint16(b[37])
		r.Proto = b[38]
		if !d.plausible(r, now) {
			if skip.badTime == 0 {
				skip.pos = v5Header + i*v5Record
			}
			skip.badTime++
			continue
		}
		emit(r)
	}
	return skip.err()
}

// sinceUptime converts a switched time (the exporter's uptime in ms when the flow's
// packet went through) to wall-clock time, given that the packet was exported at
// export when the uptime was uptime. The difference is taken modulo 2^32 and read
// as signed, so an uptime that wrapped after 49.7 days still gives a time a little
// before the export, and a switched time slightly after it stays slightly after.
func sinceUptime(export time.Time, uptime, switched uint32) time.Time {
	ago := int32(uptime - switched)
	return export.Add(-time.Duration(ago) * time.Millisecond)
}
