package simulate

import (
	"hash/fnv"
	"strconv"
	"time"
)

// awsFields is the custom v5 format of every AWS flow log the simulator writes: the
// fields of versions 2 to 5 in AWS's documented order. The header line names them,
// as AWS writes it at the top of each file.
const awsFields = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"

// awsWindow is the flow log's maximum aggregation interval (10 minutes, the default).
const awsWindow = 600 * usPerSec

// TCP flags as VPC Flow Logs report them (OR over the interval; ACK only with SYN).
const (
	tcpFIN    = 1
	tcpSYN    = 2
	tcpRST    = 4
	tcpSYNACK = 18
)

// awsWriter writes VPC Flow Logs: one gzip object per account, region and hour, in
// the S3 key layout AWS uses.
type awsWriter struct {
	fs     *fileSet
	est    *estate
	seed   uint64
	chunks []chunk
}

func (aw *awsWriter) gzipped() bool { return true }

func (aw *awsWriter) path(k fileKey) string {
	st := aw.est.sites[k.unit]
	t := time.UnixMicro(k.hour).UTC()
	h := fnv.New32a()
	var b [8]byte
	for i := range b {
		b[i] = byte(aw.seed >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(st.flowLogID))
	h.Write([]byte(t.Format(time.RFC3339)))
	stamp := t.Format("20060102T1504Z")
	return "aws/AWSLogs/" + st.account + "/vpcflowlogs/" + st.region + "/" + t.Format("2006/01/02") + "/" +
		st.account + "_vpcflowlogs_" + st.region + "_" + st.flowLogID + "_" + stamp + "_" +
		strconv.FormatUint(uint64(h.Sum32())|1<<31, 16) + ".log.gz"
}

func (aw *awsWriter) render(o *output, fb *fileBuf) error {
	o.str(awsFields)
	o.str("\n")
	for _, it := range fb.items {
		o.add(fb.line(it))
	}
	return o.flush()
}

// add writes the records the ENI of w logs for c: the direction it sent and, when
// the other end answered, the direction it received. atSrc says w is c's source.
func (aw *awsWriter) add(c *conn, w *workload, atSrc bool) {
	aw.chunks = c.chunks(awsWindow, aw.chunks)
	fwdFlags, revFlags := uint16(0), uint16(0)
	if c.proto == protoTCP {
		fwdFlags = tcpSYN
		if c.outcome == established {
			fwdFlags, revFlags = tcpSYN|tcpFIN, tcpSYNACK|tcpFIN
		} else if c.outcome == reset {
			revFlags = tcpRST
		}
	}
	for i, ch := range aw.chunks {
		// OR of the flags seen in each interval: the opening SYN and SYN-ACK fall
		// in the first, the closing FIN in the last, none in between.
		fwd, rev := fwdFlags, revFlags
		if i > 0 {
			fwd &^= tcpSYN
			rev &^= tcpSYNACK
		}
		if i < len(aw.chunks)-1 {
			fwd &^= tcpFIN
			rev &^= tcpFIN
		}
		hour := ch.start - ch.start%usPerHour
		fb := aw.fs.get(fileKey{fmtAWS, w.site.idx, hour})
		fwdAction := "ACCEPT"
		if !atSrc && c.outcome == denied {
			fwdAction = "REJECT"
		}
		// The forward direction: egress at the source ENI, ingress at the destination.
		aw.line(fb, w, c, c.src, c.dst, c.sport, c.dport, ch.pkts, ch.bytes, ch, fwd, fwdAction, atSrc)
		if c.hasReply() && (ch.pktsRev > 0 || ch.bytesRev > 0) {
			aw.line(fb, w, c, c.dst, c.src, c.dport, c.sport, ch.pktsRev, ch.bytesRev, ch, rev, "ACCEPT", !atSrc)
		}
	}
}

func (aw *awsWriter) line(fb *fileBuf, w *workload, c *conn, from, to endpoint, sp, dp uint16,
	pkts, bytes uint64, ch chunk, flags uint16, action string, egress bool) {
	if pkts == 0 {
		pkts = 1
	}
	st := w.site
	start := len(fb.arena)
	b := fb.arena
	b = append(b, "5 "...)
	b = append(b, st.account...)
	b = append(b, ' ')
	b = append(b, w.eniID...)
	b = append(b, ' ')
	b = from.ip.AppendTo(b)
	b = append(b, ' ')
	b = to.ip.AppendTo(b)
	b = append(b, ' ')
	if c.proto == protoICMP {
		b = append(b, "0 0 "...)
	} else {
		b = strconv.AppendUint(b, uint64(sp), 10)
		b = append(b, ' ')
		b = strconv.AppendUint(b, uint64(dp), 10)
		b = append(b, ' ')
	}
	b = strconv.AppendUint(b, uint64(c.proto), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, pkts, 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, bytes, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, ch.start/usPerSec, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, (ch.end+usPerSec-1)/usPerSec, 10)
	b = append(b, ' ')
	b = append(b, action...)
	b = append(b, " OK "...)
	b = append(b, st.vpc...)
	b = append(b, ' ')
	b = append(b, w.subnetID...)
	b = append(b, ' ')
	b = append(b, w.instanceID...)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(flags), 10)
	b = append(b, " IPv4 "...)
	b = from.ip.AppendTo(b)
	b = append(b, ' ')
	b = to.ip.AppendTo(b)
	b = append(b, ' ')
	b = append(b, st.region...)
	b = append(b, ' ')
	b = append(b, w.azID...)
	b = append(b, " - - "...)
	b = appendAWSService(b, from)
	b = append(b, ' ')
	b = appendAWSService(b, to)
	if egress {
		b = append(b, " egress "...)
		b = strconv.AppendInt(b, int64(trafficPath(w, to)), 10)
	} else {
		b = append(b, " ingress -"...)
	}
	b = append(b, '\n')
	fb.arena = b
	fb.end(ch.start, 0, start)
}

func appendAWSService(b []byte, e endpoint) []byte {
	if e.r != nil && e.r.awsSvc != "" {
		return append(b, e.r.awsSvc...)
	}
	return append(b, '-')
}

// trafficPath is the path egress traffic of w takes to reach to, in the codes of
// the traffic-path field.
func trafficPath(w *workload, to endpoint) int {
	switch {
	case to.w != nil && to.w.site == w.site:
		return 1 // within the VPC
	case to.w != nil && to.w.site.cloud == aws && to.w.site.region == w.site.region:
		return 4 // intra-region peering
	case to.w != nil && to.w.site.cloud == aws:
		return 5 // inter-region peering
	case to.private():
		return 3 // virtual private gateway (VPN to on-prem and the other clouds)
	}
	return 8 // internet gateway
}

// nodata writes a NODATA record for w: an interval in which its ENI saw no traffic.
func (aw *awsWriter) nodata(w *workload, from, to int64) {
	hour := from - from%usPerHour
	fb := aw.fs.get(fileKey{fmtAWS, w.site.idx, hour})
	start := len(fb.arena)
	b := append(fb.arena, "5 "...)
	b = append(b, w.site.account...)
	b = append(b, ' ')
	b = append(b, w.eniID...)
	b = append(b, " - - - - - - - "...)
	b = strconv.AppendInt(b, from/usPerSec, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, to/usPerSec, 10)
	b = append(b, " - NODATA - - - - - - - - - - - - - - -\n"...)
	fb.arena = b
	fb.end(from, 0, start)
}
