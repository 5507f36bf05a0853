package netflow

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/weirhq/weir/flow"
)

// Header sizes: NetFlow v9 (RFC 3954 §5.1) and IPFIX (RFC 7011 §3.1).
const (
	v9Header    = 20
	ipfixHeader = 16
)

// packet is what the records of one v9 or IPFIX packet share.
type packet struct {
	version  uint16
	domain   domainKey
	exporter string
	export   time.Time // the header's export time
	uptime   uint32    // v9: the exporter's uptime in ms at export
	now      time.Time
	skip     skipped
}

func (d *Decoder) v9(addr netip.Addr, p []byte, emit func(*flow.Record)) error {
	if len(p) < v9Header {
		return reject(0, "truncated", "v9 header needs %d bytes, payload has %d", v9Header, len(p))
	}
	pk := packet{
		version: 9,
		domain:  domainKey{addr: addr, version: 9, domain: binary.BigEndian.Uint32(p[16:])},
		uptime:  binary.BigEndian.Uint32(p[4:]),
		export:  time.Unix(int64(binary.BigEndian.Uint32(p[8:])), 0).UTC(),
		now:     d.clock(),
	}
	pk.exporter = d.exporterID(FormatNetFlow, addr, pk.domain.domain)
	return d.sets(&pk, p, v9Header, emit)
}

func (d *Decoder) ipfix(addr netip.Addr, p []byte, emit func(*flow.Record)) error {
	if len(p) < ipfixHeader {
		return reject(0, "truncated", "IPFIX header needs %d bytes, payload has %d", ipfixHeader, len(p))
	}
	length := int(binary.BigEndian.Uint16(p[2:]))
	switch {
	case length < ipfixHeader:
		return reject(2, "bad header", "IPFIX message length %d", length)
	case length > len(p):
		return reject(len(p), "truncated", "IPFIX message of %d bytes, payload has %d", length, len(p))
	}
	pk := packet{
		version: 10,
		domain:  domainKey{addr: addr, version: 10, domain: binary.BigEndian.Uint32(p[12:])},
		export:  time.Unix(int64(binary.BigEndian.Uint32(p[4:])), 0).UTC(),
		now:     d.clock(),
	}
	pk.exporter = d.exporterID(FormatNetFlow, addr, pk.domain.domain)
	return d.sets(&pk, p[:length], ipfixHeader, emit)
}

// sets walks the sets (v9 "FlowSets") of a packet from off: templates are kept,
// data records decoded. Sets already read stay read when a later one is bad.
func (d *Decoder) sets(pk *packet, p []byte, off int, emit func(*flow.Record)) error {
	pk.skip.domain = pk.exporter
	tk := templateKey{addr: pk.domain.addr, version: pk.version, domain: pk.domain.domain}
	for len(p)-off >= 4 {
		id := binary.BigEndian.Uint16(p[off:])
		length := int(binary.BigEndian.Uint16(p[off+2:]))
		if length < 4 {
			return reject(off+2, "bad set", "set %d has length %d", id, length)
		}
		if off+length > len(p) {
			return reject(len(p), "truncated", "set %d of %d bytes at offset %d, payload has %d", id, length, off, len(p))
		}
		body := p[off+4 : off+length]
		ok := true
		switch {
		case id >= 256:
			tk.id = id
			t := d.templates[tk]
			if t == nil {
				if pk.skip.templates == 0 {
					pk.skip.pos, pk.skip.template = off, id
				}
				pk.skip.templates++
				break
			}
			ok = d.dataSet(pk, t, body, emit)
		case pk.version == 9 && id == 0:
			ok = d.v9Templates(tk, body)
		case pk.version == 9 && id == 1:
			ok = d.v9OptionsTemplates(tk, body)
		case pk.version == 10 && (id == 2 || id == 3):
			ok = d.ipfixTemplates(tk, body, id == 3)
		default:
			return reject(off, "bad set", "set id %d in a v%d packet", id, pk.version)
		}
		if !ok {
			return reject(off, "bad set", "set %d of %d bytes ends inside a record", id, length)
		}
		off += length
	}
	return pk.skip.err()
}

// dataSet decodes the records of one data set; what is left when no whole record
// fits is padding. It reports false when a variable-length field runs past the set.
func (d *Decoder) dataSet(pk *packet, t *template, b []byte, emit func(*flow.Record)) bool {
	for len(b) >= t.minLen {
		var v values
		n, ok := v.read(t, b, pk.version == 10)
		if !ok {
			return false
		}
		b = b[n:]
		if t.options {
			d.options(pk, &v)
			continue
		}
		if !v.src.IsValid() || !v.dst.IsValid() {
			continue // not an IP flow (a layer-2 record, or an exporter's own statistics)
		}
		r := d.start(FormatNetFlow, pk.exporter)
		d.fill(r, pk, &v)
		if !d.plausible(r, pk.now) {
			if pk.skip.badTime == 0 {
				pk.skip.pos = 0
			}
			pk.skip.badTime++
			continue
		}
		emit(r)
	}
	return true
}
