package netflow

import (
	"encoding/binary"
	"net/netip"
	"slices"
)

// templateKey names a template: template ids are only unique within one exporter's
// observation domain (IPFIX) or source id (v9), and v9 and IPFIX ids are distinct.
type templateKey struct {
	addr    netip.Addr
	version uint16
	domain  uint32
	id      uint16
}

// template is the layout of the data records of one set id.
type template struct {
	fields  []field
	minLen  int  // bytes of the shortest record: fixed fields plus one per variable one
	options bool // an options template: its records describe the exporter, not flows
}

// field is one information element of a template. length is varLen for an IPFIX
// variable-length field, whose length is given in each record.
type field struct {
	id     uint16
	length uint16
	pen    uint32 // IPFIX enterprise number, 0 for IANA elements
}

const varLen = 0xffff

// addTemplate keeps the fields in d.fields as template id of domain k. An exporter
// resends its templates every few packets; an unchanged one is not copied again.
// A template whose records would be empty is dropped: it could not be walked.
func (d *Decoder) addTemplate(k templateKey, options bool) {
	minLen := 0
	for _, f := range d.fields {
		if f.length == varLen {
			minLen++
		} else {
			minLen += int(f.length)
		}
	}
	if old, ok := d.templates[k]; ok {
		if old.options == options && slices.Equal(old.fields, d.fields) {
			return
		}
	} else if len(d.templates) >= maxTemplates {
		return
	}
	if minLen == 0 {
		delete(d.templates, k)
		return
	}
	d.templates[k] = &template{fields: slices.Clone(d.fields), minLen: minLen, options: options}
}

// v9Templates reads a v9 template set (id 0) body: records of id, count, then
// count (type, length) pairs.
func (d *Decoder) v9Templates(k templateKey, b []byte) bool {
	for len(b) >= 4 {
		id := binary.BigEndian.Uint16(b)
		n := int(binary.BigEndian.Uint16(b[2:]))
		b = b[4:]
		if id < 256 { // padding, or garbage: nothing more to read in this set
			return id == 0
		}
		if len(b) < 4*n {
			return false
		}
		d.fields = d.fields[:0]
		for i := range n {
			d.fields = append(d.fields, field{id: binary.BigEndian.Uint16(b[4*i:]), length: binary.BigEndian.Uint16(b[4*i+2:])})
		}
		b = b[4*n:]
		k.id = id
		d.addTemplate(k, false)
	}
	return true
}

// v9OptionsTemplates reads a v9 options template set (id 1) body: id, scope length
// and option length in bytes, the scope fields then the option fields, and padding
// to a 4-byte boundary.
func (d *Decoder) v9OptionsTemplates(k templateKey, b []byte) bool {
	for len(b) >= 6 {
		id := binary.BigEndian.Uint16(b)
		scopeLen := int(binary.BigEndian.Uint16(b[2:]))
		optLen := int(binary.BigEndian.Uint16(b[4:]))
		if id < 256 {
			return id == 0
		}
		b = b[6:]
		n := scopeLen + optLen
		if n%4 != 0 || len(b) < n {
			return false
		}
		d.fields = d.fields[:0]
		for i := 0; i < n; i += 4 {
			d.fields = append(d.fields, field{id: binary.BigEndian.Uint16(b[i:]), length: binary.BigEndian.Uint16(b[i+2:])})
		}
		b = b[n:]
		// Records are padded to 4 bytes after the header and fields (RFC 3954 §6.1).
		if pad := (6 + n) % 4; pad != 0 && len(b) >= 4-pad {
			b = b[4-pad:]
		}
		k.id = id
		d.addTemplate(k, true)
	}
	return true
}

// ipfixTemplates reads an IPFIX template set (id 2) or options template set (id 3)
// body (RFC 7011 §3.4). An enterprise-specific element has the top bit of its id set
// and a 4-byte enterprise number after its length. A template with no fields
// withdraws the template of that id.
func (d *Decoder) ipfixTemplates(k templateKey, b []byte, options bool) bool {
	hdr := 4
	if options {
		hdr = 6
	}
	for len(b) >= hdr {
		id := binary.BigEndian.Uint16(b)
		n := int(binary.BigEndian.Uint16(b[2:]))
		if id < 256 {
			return id == 0
		}
		b = b[hdr:]
		d.fields = d.fields[:0]
		for range n {
			if len(b) < 4 {
				return false
			}
			f := field{id: binary.BigEndian.Uint16(b), length: binary.BigEndian.Uint16(b[2:])}
			b = b[4:]
			if f.id&0x8000 != 0 {
				if len(b) < 4 {
					return false
				}
				f.id &^= 0x8000
				f.pen = binary.BigEndian.Uint32(b)
				b = b[4:]
			}
			d.fields = append(d.fields, f)
		}
		k.id = id
		d.addTemplate(k, options)
	}
	return true
}
