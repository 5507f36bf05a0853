package simulate

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// The Zeek logs' columns and types, as Zeek 6 writes them in the #fields and #types
// header lines of its TSV logs.
const (
	zeekConnFields = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents"
	zeekConnTypes  = "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]"
	zeekDNSFields  = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected"
	zeekDNSTypes   = "time\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool"
	zeekSSLFields  = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\tsni_matches_cert"
	zeekSSLTypes   = "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\tvector[string]\tvector[string]\tbool"
)

// zeekWriter writes the conn, dns and ssl logs of the Zeek sensor at the on-prem
// site's core, rotated hourly into Zeek's archive layout (DATE/conn.HH:00:00-HH:00:00.log.gz).
// A connection is logged when it ends, in the file of that hour.
type zeekWriter struct {
	fs  *fileSet
	r   *rand.Rand
	uid [18]byte
}

func (zw *zeekWriter) gzipped() bool { return true }

func (zw *zeekWriter) path(k fileKey) string {
	t := time.UnixMicro(k.hour).UTC()
	name := map[format]string{fmtZeekConn: "conn", fmtZeekDNS: "dns", fmtZeekSSL: "ssl"}[k.f]
	return "zeek/" + t.Format("2006-01-02") + "/" + name + "." + t.Format("15:04:05") + "-" +
		t.Add(time.Hour).Format("15:04:05") + ".log.gz"
}

func (zw *zeekWriter) render(o *output, fb *fileBuf) error {
	t := time.UnixMicro(fb.key.hour).UTC()
	var path, fields, types string
	switch fb.key.f {
	case fmtZeekConn:
		path, fields, types = "conn", zeekConnFields, zeekConnTypes
	case fmtZeekDNS:
		path, fields, types = "dns", zeekDNSFields, zeekDNSTypes
	default:
		path, fields, types = "ssl", zeekSSLFields, zeekSSLTypes
	}
	o.str("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t")
	o.str(path)
	o.str("\n#open\t")
	o.str(t.Format("2006-01-02-15-04-05"))
	o.str("\n#fields\t")
	o.str(fields)
	o.str("\n#types\t")
	o.str(types)
	o.str("\n")
	for _, it := range fb.items {
		o.add(fb.line(it))
	}
	o.str("#close\t")
	o.str(t.Add(time.Hour).Format("2006-01-02-15-04-05"))
	o.str("\n")
	return o.flush()
}

func (zw *zeekWriter) newUID() []byte {
	zw.uid[0] = 'C'
	for i := 1; i < len(zw.uid); i++ {
		zw.uid[i] = base62[zw.r.IntN(62)]
	}
	return zw.uid[:]
}

// conn writes c's conn.log line and returns its uid (valid until the next call).
func (zw *zeekWriter) conn(c *conn) []byte {
	uid := zw.newUID()
	hour := c.end - c.end%usPerHour
	fb := zw.fs.get(fileKey{fmtZeekConn, 0, hour})
	start := len(fb.arena)
	b := epoch(fb.arena, c.start)
	b = append(b, '\t')
	b = append(b, uid...)
	b = append(b, '\t')
	b = c.src.ip.AppendTo(b)
	b = append(b, '\t')
	sp, dp := c.sport, c.dport
	if c.proto == protoICMP {
		sp, dp = 8, 0 // echo request type, code
	}
	b = strconv.AppendUint(b, uint64(sp), 10)
	b = append(b, '\t')
	b = c.dst.ip.AppendTo(b)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(dp), 10)
	b = append(b, '\t')
	b = append(b, zeekProto(c.proto)...)
	b = append(b, '\t')
	b = append(b, zeekService(c)...)
	b = append(b, '\t')
	hdr := uint64(52)
	if c.proto == protoUDP {
		hdr = 28
	}
	payload := func(bytes, pkts uint64) uint64 {
		if bytes > pkts*hdr {
			return bytes - pkts*hdr
		}
		return 0
	}
	var state, history string
	switch c.outcome {
	case established:
		state, history = "SF", "ShADadFf"
		if c.proto == protoUDP {
			history = "Dd"
		} else if c.proto == protoICMP {
			state, history = "OTH", "-"
		}
	case reset:
		state, history = "REJ", "Sr"
	default:
		state, history = "S0", "S"
		if c.proto == protoUDP {
			history = "D"
		}
	}
	if c.end > c.start && c.outcome != denied && c.outcome != unanswered {
		b = duration(b, c.end-c.start)
		b = append(b, '\t')
		b = strconv.AppendUint(b, payload(c.bytes, c.pkts), 10)
		b = append(b, '\t')
		b = strconv.AppendUint(b, payload(c.bytesRev, c.pktsRev), 10)
	} else {
		b = append(b, "-\t0\t0"...)
	}
	b = append(b, '\t')
	b = append(b, state...)
	b = append(b, '\t')
	b = appendBool(b, c.src.private())
	b = append(b, '\t')
	b = appendBool(b, c.dst.private())
	b = append(b, "\t0\t"...)
	b = append(b, history...)
	b = append(b, '\t')
	b = strconv.AppendUint(b, max(c.pkts, 1), 10)
	b = append(b, '\t')
	b = strconv.AppendUint(b, c.bytes, 10)
	b = append(b, '\t')
	if c.hasReply() {
		b = strconv.AppendUint(b, c.pktsRev, 10)
		b = append(b, '\t')
		b = strconv.AppendUint(b, c.bytesRev, 10)
	} else {
		b = append(b, "0\t0"...)
	}
	b = append(b, "\t-\n"...)
	fb.arena = b
	fb.end(c.end, 0, start)
	return uid
}

// dns writes a dns.log line: client asked server for domain and got ip.
func (zw *zeekWriter) dns(q *conn, uid []byte, domain string, ip endpoint) {
	hour := q.start - q.start%usPerHour
	fb := zw.fs.get(fileKey{fmtZeekDNS, 0, hour})
	start := len(fb.arena)
	b := epoch(fb.arena, q.start)
	b = append(b, '\t')
	b = append(b, uid...)
	b = append(b, '\t')
	b = q.src.ip.AppendTo(b)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(q.sport), 10)
	b = append(b, '\t')
	b = q.dst.ip.AppendTo(b)
	b = append(b, "\t53\tudp\t"...)
	b = strconv.AppendInt(b, int64(zw.r.IntN(65536)), 10)
	b = append(b, '\t')
	b = duration(b, q.end-q.start)
	b = append(b, '\t')
	b = append(b, domain...)
	b = append(b, "\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t"...)
	b = ip.ip.AppendTo(b)
	b = append(b, "\t300.000000\tF\n"...)
	fb.arena = b
	fb.end(q.start, 0, start)
}

// ssl writes the ssl.log line of a TLS connection c with its SNI.
func (zw *zeekWriter) ssl(c *conn, uid []byte) {
	hour := c.start - c.start%usPerHour
	fb := zw.fs.get(fileKey{fmtZeekSSL, 0, hour})
	start := len(fb.arena)
	b := epoch(fb.arena, c.start+20000)
	b = append(b, '\t')
	b = append(b, uid...)
	b = append(b, '\t')
	b = c.src.ip.AppendTo(b)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(c.sport), 10)
	b = append(b, '\t')
	b = c.dst.ip.AppendTo(b)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(c.dport), 10)
	b = append(b, "\tTLSv13\tTLS_AES_128_GCM_SHA256\tx25519\t"...)
	b = append(b, c.domain...)
	b = append(b, "\tF\t-\th2\tT\tCsiI\t-\t-\t-\n"...)
	fb.arena = b
	fb.end(c.start+20000, 0, start)
}

func zeekProto(p uint8) string {
	switch p {
	case protoTCP:
		return "tcp"
	case protoUDP:
		return "udp"
	case protoICMP:
		return "icmp"
	}
	return "unknown_transport"
}

// zeekService is what Zeek's protocol detection names for an established c.
func zeekService(c *conn) string {
	if c.outcome != established {
		return "-"
	}
	if c.tls {
		return "ssl"
	}
	switch c.dport {
	case 53:
		return "dns"
	case 80, 8080:
		return "http"
	case 88:
		if c.proto == protoUDP {
			return "krb"
		}
		return "krb_tcp"
	case 123:
		return "ntp"
	case 389:
		return "ldap"
	case 445:
		return "smb,gssapi"
	case 3389:
		return "rdp"
	case 22:
		return "ssh"
	case 21:
		return "ftp"
	case 3306:
		return "mysql"
	}
	return "-"
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 'T')
	}
	return append(b, 'F')
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
