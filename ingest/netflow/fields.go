package netflow

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/weirhq/weir/flow"
)

// Information elements weir reads. NetFlow v9 field types 1–127 and IPFIX element
// ids are the same numbers (IANA "IPFIX Information Elements" registry; RFC 3954 §8);
// the Cisco ASA NSEL ids (233 NF_F_FW_EVENT, 231/232 NF_F_FWD/REV_FLOW_DELTA_BYTES)
// were later registered as the IPFIX ids with the same numbers.
const (
	ieOctetDelta        = 1   // IN_BYTES
	iePacketDelta       = 2   // IN_PKTS
	ieFlows             = 3   // FLOWS: how many flows the record aggregates
	ieProtocol          = 4   // PROTOCOL
	ieTCPFlags          = 6   // TCP_FLAGS
	ieSrcPort           = 7   // L4_SRC_PORT
	ieSrcIPv4           = 8   // IPV4_SRC_ADDR
	ieDstPort           = 11  // L4_DST_PORT
	ieDstIPv4           = 12  // IPV4_DST_ADDR
	ieEndSysUpTime      = 21  // LAST_SWITCHED
	ieStartSysUpTime    = 22  // FIRST_SWITCHED
	iePostOctetDelta    = 23  // OUT_BYTES
	iePostPacketDelta   = 24  // OUT_PKTS
	ieSrcIPv6           = 27  // IPV6_SRC_ADDR
	ieDstIPv6           = 28  // IPV6_DST_ADDR
	ieSamplingInterval  = 34  // SAMPLING_INTERVAL
	ieSamplerRandom     = 50  // FLOW_SAMPLER_RANDOM_INTERVAL
	ieOctetTotal        = 85  // IN_PERMANENT_BYTES
	iePacketTotal       = 86  // IN_PERMANENT_PKTS
	ieForwardingStatus  = 89  // FORWARDING_STATUS
	ieStartSeconds      = 150 // flowStartSeconds
	ieEndSeconds        = 151
	ieStartMillis       = 152 // flowStartMilliseconds (ASA flow_start_msec)
	ieEndMillis         = 153
	ieStartMicros       = 154 // NTP timestamp
	ieEndMicros         = 155
	ieStartNanos        = 156 // NTP timestamp
	ieEndNanos          = 157
	ieStartDeltaMicros  = 158 // microseconds before the export time
	ieEndDeltaMicros    = 159
	ieSysInitMillis     = 160 // systemInitTimeMilliseconds: the epoch of *SysUpTime
	ieInitiatorOctets   = 231 // NF_F_FWD_FLOW_DELTA_BYTES
	ieResponderOctets   = 232 // NF_F_REV_FLOW_DELTA_BYTES
	ieFirewallEvent     = 233 // NF_F_FW_EVENT
	ieInitiatorPackets  = 298
	ieResponderPackets  = 299
	ieSamplingPktInterv = 305 // samplingPacketInterval
	ieSamplingPktSpace  = 306 // samplingPacketSpace
	ieObservationSecs   = 322
	ieObservationMillis = 323 // ASA event_time_msec

	penReverse = 29305 // RFC 5103 biflows: the same ids, for the reverse direction
)

// firewallEvent 3 is "flow denied" (IANA firewallEvent; Cisco NSEL NF_F_FW_EVENT).
const fwDenied = 3

// ntpEpoch is seconds from 1900-01-01 (NTP) to 1970-01-01 (Unix).
const ntpEpoch = 2208988800

// values holds what one data record said, before it becomes a flow.Record.
type values struct {
	src, dst         netip.Addr
	srcPort, dstPort uint16
	proto            uint8
	tcpFlags         uint16
	flows            uint64

	bytes, packets         uint64 // octetDeltaCount / packetDeltaCount
	postBytes, postPackets uint64
	totalBytes, totalPkts  uint64
	initBytes, initPackets uint64
	respBytes, respPackets uint64
	revBytes, revPackets   uint64 // RFC 5103 reverse elements
	has                    uint32 // which of the counters above were present

	start, end     time.Time // absolute times
	startUp, endUp uint64    // *SysUpTime, ms
	hasUp          uint8     // 1: start, 2: end
	observed       time.Time
	startDelta     uint64 // flowStartDeltaMicroseconds
	endDelta       uint64
	hasDelta       uint8

	deny bool

	sysInit  uint64 // options: systemInitTimeMilliseconds
	sampling uint64 // samplingInterval, or derived from packet interval and space
	pktInt   uint64
	pktSpace uint64
}

// Bits of values.has.
const (
	hasBytes = 1 << iota
	hasPackets
	hasPost
	hasTotal
	hasInit
	hasResp
	hasRev
)

// read decodes one record of template t from b and returns its length. It reports
// false when a variable-length field (IPFIX only) runs past b.
func (v *values) read(t *template, b []byte, ipfix bool) (int, bool) {
	off := 0
	for _, f := range t.fields {
		n := int(f.length)
		if f.length == varLen && ipfix {
			if off >= len(b) {
				return 0, false
			}
			n = int(b[off])
			off++
			if n == 255 { // RFC 7011 §7: a 3-byte length prefix for long values
				if off+2 > len(b) {
					return 0, false
				}
				n = int(binary.BigEndian.Uint16(b[off:]))
				off += 2
			}
		}
		if off+n > len(b) {
			return 0, false
		}
		val := b[off : off+n]
		off += n
		switch f.pen {
		case 0:
			v.set(f.id, val)
		case penReverse:
			switch f.id {
			case ieOctetDelta, ieOctetTotal:
				v.revBytes, v.has = uintBE(val), v.has|hasRev
			case iePacketDelta, iePacketTotal:
				v.revPackets, v.has = uintBE(val), v.has|hasRev
			}
		}
	}
	return off, true
}

// set records one IANA element's value.
func (v *values) set(id uint16, b []byte) {
	switch id {
	case ieSrcIPv4:
		if len(b) == 4 {
			v.src = netip.AddrFrom4([4]byte(b))
		}
	case ieDstIPv4:
		if len(b) == 4 {
			v.dst = netip.AddrFrom4([4]byte(b))
		}
	case ieSrcIPv6:
		if len(b) == 16 {
			v.src = netip.AddrFrom16([16]byte(b))
		}
	case ieDstIPv6:
		if len(b) == 16 {
			v.dst = netip.AddrFrom16([16]byte(b))
		}
	case ieSrcPort:
		v.srcPort = uint16(uintBE(b))
	case ieDstPort:
		v.dstPort = uint16(uintBE(b))
	case ieProtocol:
		v.proto = uint8(uintBE(b))
	case ieTCPFlags:
		v.tcpFlags = uint16(uintBE(b))
	case ieFlows:
		v.flows = uintBE(b)
	case ieOctetDelta:
		v.bytes, v.has = uintBE(b), v.has|hasBytes
	case iePacketDelta:
		v.packets, v.has = uintBE(b), v.has|hasPackets
	case iePostOctetDelta:
		v.postBytes, v.has = uintBE(b), v.has|hasPost
	case iePostPacketDelta:
		v.postPackets, v.has = uintBE(b), v.has|hasPost
	case ieOctetTotal:
		v.totalBytes, v.has = uintBE(b), v.has|hasTotal
	case iePacketTotal:
		v.totalPkts, v.has = uintBE(b), v.has|hasTotal
	case ieInitiatorOctets:
		v.initBytes, v.has = uintBE(b), v.has|hasInit
	case ieInitiatorPackets:
		v.initPackets, v.has = uintBE(b), v.has|hasInit
	case ieResponderOctets:
		v.respBytes, v.has = uintBE(b), v.has|hasResp
	case ieResponderPackets:
		v.respPackets, v.has = uintBE(b), v.has|hasResp
	case ieStartSysUpTime:
		v.startUp, v.hasUp = uintBE(b), v.hasUp|1
	case ieEndSysUpTime:
		v.endUp, v.hasUp = uintBE(b), v.hasUp|2
	case ieStartSeconds:
		v.start = time.Unix(int64(uintBE(b)), 0)
	case ieEndSeconds:
		v.end = time.Unix(int64(uintBE(b)), 0)
	case ieStartMillis:
		v.start = time.UnixMilli(int64(uintBE(b)))
	case ieEndMillis:
		v.end = time.UnixMilli(int64(uintBE(b)))
	case ieStartMicros, ieStartNanos:
		v.start = ntpTime(uintBE(b))
	case ieEndMicros, ieEndNanos:
		v.end = ntpTime(uintBE(b))
	case ieStartDeltaMicros:
		v.startDelta, v.hasDelta = uintBE(b), v.hasDelta|1
	case ieEndDeltaMicros:
		v.endDelta, v.hasDelta = uintBE(b), v.hasDelta|2
	case ieObservationSecs:
		v.observed = time.Unix(int64(uintBE(b)), 0)
	case ieObservationMillis:
		v.observed = time.UnixMilli(int64(uintBE(b)))
	case ieFirewallEvent:
		v.deny = v.deny || uintBE(b) == fwDenied
	case ieForwardingStatus:
		// The status is the top two bits of the (reduced-size) low octet: 10 is dropped
		// (RFC 7270 §4.12).
		if len(b) > 0 && b[len(b)-1]>>6 == 2 {
			v.deny = true
		}
	case ieSysInitMillis:
		v.sysInit = uintBE(b)
	case ieSamplingInterval, ieSamplerRandom:
		v.sampling = uintBE(b)
	case ieSamplingPktInterv:
		v.pktInt = uintBE(b)
	case ieSamplingPktSpace:
		v.pktSpace = uintBE(b)
	}
}

// samplingRate is how many packets one sampled packet stands for, 0 when the record
// does not say.
func (v *values) samplingRate() uint64 {
	if v.sampling > 0 {
		return v.sampling
	}
	if v.pktInt > 0 {
		return (v.pktInt + v.pktSpace) / v.pktInt
	}
	return 0
}

// options keeps what an options record says about its exporter's domain.
func (d *Decoder) options(pk *packet, v *values) {
	rate := v.samplingRate()
	if v.sysInit == 0 && rate == 0 {
		return
	}
	s := d.domain(pk.domain, true)
	if s == nil {
		return
	}
	if v.sysInit != 0 {
		s.sysInitMillis = v.sysInit
	}
	if rate != 0 {
		s.sampling = rate
	}
}

// fill maps a data record's values to r.
func (d *Decoder) fill(r *flow.Record, pk *packet, v *values) {
	r.SrcIP, r.DstIP = v.src.Unmap(), v.dst.Unmap()
	r.SrcPort, r.DstPort = v.srcPort, v.dstPort
	r.Proto = v.proto
	r.TCPFlags = v.tcpFlags
	if v.flows > 1 && v.flows <= 1<<32-1 {
		r.Flows = uint32(v.flows)
	}
	if v.deny {
		r.Action = flow.Deny
	}

	// Counters, from the most to the least specific element the record carries.
	switch {
	case v.has&hasBytes != 0 || v.has&hasPackets != 0:
		r.Bytes, r.Packets = v.bytes, v.packets
	case v.has&hasInit != 0:
		r.Bytes, r.Packets = v.initBytes, v.initPackets
	case v.has&hasTotal != 0:
		r.Bytes, r.Packets = v.totalBytes, v.totalPkts
	case v.has&hasPost != 0:
		r.Bytes, r.Packets = v.postBytes, v.postPackets
	}
	switch {
	case v.has&hasRev != 0:
		r.BytesRev, r.PacketsRev = v.revBytes, v.revPackets
	case v.has&hasResp != 0:
		r.BytesRev, r.PacketsRev = v.respBytes, v.respPackets
	}
	rate := v.samplingRate()
	ds := d.domain(pk.domain, false)
	if rate == 0 && ds != nil {
		rate = ds.sampling
	}
	if rate > 1 {
		r.Bytes *= rate
		r.Packets *= rate
		r.BytesRev *= rate
		r.PacketsRev *= rate
	}

	r.Start, r.End = v.start, v.end
	if r.End.IsZero() && !v.observed.IsZero() {
		r.End = v.observed // a firewall event (ASA) stamps when it happened
	}
	if v.hasDelta&1 != 0 && r.Start.IsZero() {
		r.Start = pk.export.Add(-time.Duration(v.startDelta) * time.Microsecond)
	}
	if v.hasDelta&2 != 0 && r.End.IsZero() {
		r.End = pk.export.Add(-time.Duration(v.endDelta) * time.Microsecond)
	}
	if v.hasUp != 0 && (r.Start.IsZero() || r.End.IsZero()) {
		start, end := d.upTimes(pk, v, ds)
		if r.Start.IsZero() {
			r.Start = start
		}
		if r.End.IsZero() {
			r.End = end
		}
	}
	switch {
	case r.Start.IsZero() && r.End.IsZero():
		r.Start, r.End = pk.export, pk.export
	case r.Start.IsZero():
		r.Start = r.End
	case r.End.IsZero():
		r.End = r.Start
	}
	r.Start, r.End = r.Start.UTC(), r.End.UTC()
}

// upTimes converts the *SysUpTime elements. In v9 they count from the exporter's
// boot like the header's uptime; in IPFIX from systemInitTimeMilliseconds, which an
// options record announces. Without it the flow is taken to end at the export time,
// keeping its duration.
func (d *Decoder) upTimes(pk *packet, v *values, ds *domainState) (start, end time.Time) {
	startUp, endUp := v.startUp, v.endUp
	switch v.hasUp {
	case 1:
		endUp = startUp
	case 2:
		startUp = endUp
	}
	if pk.version == 9 {
		return sinceUptime(pk.export, pk.uptime, uint32(startUp)), sinceUptime(pk.export, pk.uptime, uint32(endUp))
	}
	if ds != nil && ds.sysInitMillis != 0 {
		init := int64(ds.sysInitMillis)
		return time.UnixMilli(init + int64(startUp)), time.UnixMilli(init + int64(endUp))
	}
	dur := time.Duration(int64(endUp)-int64(startUp)) * time.Millisecond
	if dur < 0 {
		dur = 0
	}
	return pk.export.Add(-dur), pk.export
}

// uintBE reads an unsigned big-endian integer of 1 to 8 bytes (IPFIX reduced-size
// encoding); longer values keep their low 8 bytes.
func uintBE(b []byte) uint64 {
	if len(b) > 8 {
		b = b[len(b)-8:]
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// ntpTime converts a 64-bit NTP timestamp (RFC 7011 §6.1.9): seconds since 1900 in
// the high 32 bits, a binary fraction in the low 32.
func ntpTime(v uint64) time.Time {
	secs := int64(v>>32) - ntpEpoch
	frac := (v & 0xffffffff) * 1e9 >> 32
	return time.Unix(secs, int64(frac))
}
