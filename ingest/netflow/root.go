// Package netflow decodes the flow export protocols that routers, firewalls and
// switches send over UDP: NetFlow v5, NetFlow v9 (RFC 3954), IPFIX (RFC 7011) and
// sFlow v5 (sflow.org, sflow_version_5.txt). One Decoder reads the payload of one UDP
// datagram at a time and keeps what spans datagrams — the v9/IPFIX templates and
// each exporter's options (system init time, sampling interval) — per exporter
// address and observation domain. A FileDecoder reads files of raw payloads written
// back to back, the form tests and replays use.
//
// It does not own the UDP socket (the collector does), it does not enrich records,
// and it does not read options records as flows: they only feed the decoder's own
// state. Records say nothing about which end reported them: an exporter is a sensor
// in the path.
package netflow

import "encoding/binary"

// Format names, as given to records (Record.Format). NetFlow v5, v9 and IPFIX share
// one decoder and one name; the version field of each payload picks the layout.
const (
	FormatNetFlow = "netflow"
	FormatSFlow   = "sflow"
)

// Detect reports whether head, the first bytes of an input, begins a NetFlow v5,
// v9 or IPFIX export packet with a plausible header.
func Detect(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	switch binary.BigEndian.Uint16(head) {
	case 5:
		count := binary.BigEndian.Uint16(head[2:])
		return count >= 1 && count <= maxV5Count && (len(head) < v5Header || plausibleV5(head))
	case 9:
		count := binary.BigEndian.Uint16(head[2:])
		if count == 0 {
			return false
		}
		if len(head) >= v9Header+4 {
			return isV9Set(binary.BigEndian.Uint16(head[v9Header:]))
		}
		return true
	case 10:
		length := int(binary.BigEndian.Uint16(head[2:]))
		if length < ipfixHeader+4 {
			return false
		}
		if len(head) >= ipfixHeader+4 {
			return isIPFIXSet(binary.BigEndian.Uint16(head[ipfixHeader:]))
		}
		return true
	}
	return false
}

// DetectSFlow reports whether head begins an sFlow v5 datagram.
func DetectSFlow(head []byte) bool {
	if len(head) < 8 || binary.BigEndian.Uint32(head) != 5 {
		return false
	}
	t := binary.BigEndian.Uint32(head[4:])
	return t == 1 || t == 2
}

// plausibleV5 checks the fixed v5 header fields that carry no meaning yet are
// always zero or small in real exports, so that random binary is not taken for v5.
func plausibleV5(h []byte) bool {
	secs := binary.BigEndian.Uint32(h[8:])
	nsecs := binary.BigEndian.Uint32(h[12:])
	return secs != 0 && nsecs < 1e9
}

func isV9Set(id uint16) bool    { return id == 0 || id == 1 || id >= 256 }
func isIPFIXSet(id uint16) bool { return id == 2 || id == 3 || id >= 256 }
