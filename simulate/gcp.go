package simulate

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// gcpWindow is the span of one flow record for a long connection.
const gcpWindow = 300 * usPerSec

// gcpWriter writes GCP VPC Flow Logs as Cloud Logging LogEntry JSON, one line per
// entry, one file per hour as a Cloud Storage log sink shards them. GCP logs each
// direction of a connection separately, and each VM on the path logs it: a flow
// between two VMs appears twice (reporter SRC and DEST), a flow with the internet
// once. Traffic a firewall rule denied is not in VPC Flow Logs at all.
type gcpWriter struct {
	fs     *fileSet
	est    *estate
	r      *rand.Rand
	tf     timeFmt
	chunks []chunk
}

func (gw *gcpWriter) gzipped() bool { return false }

func (gw *gcpWriter) path(k fileKey) string {
	t := time.UnixMicro(k.hour).UTC()
	return "gcp/compute.googleapis.com/vpc_flows/" + t.Format("2006/01/02/15:00:00_15:59:59") + "_S0.json"
}

func (gw *gcpWriter) render(o *output, fb *fileBuf) error {
	for _, it := range fb.items {
		o.add(fb.line(it))
	}
	return o.flush()
}

// add writes what the VM w logs for c; atSrc says w is c's source.
func (gw *gcpWriter) add(c *conn, w *workload, atSrc bool) {
	if !atSrc && c.outcome == denied {
		return
	}
	gw.chunks = c.chunks(gcpWindow, gw.chunks)
	for _, ch := range gw.chunks {
		// The forward direction, from w's side: w sent it (SRC) or received it (DEST).
		gw.entry(w, c, c.src, c.dst, c.sport, c.dport, ch.pkts, ch.bytes, ch, atSrc)
		if c.hasReply() && ch.pktsRev > 0 {
			gw.entry(w, c, c.dst, c.src, c.dport, c.sport, ch.pktsRev, ch.bytesRev, ch, !atSrc)
		}
	}
}

func (gw *gcpWriter) entry(w *workload, c *conn, from, to endpoint, sp, dp uint16, pkts, bytes uint64, ch chunk, sender bool) {
	if pkts == 0 {
		pkts = 1
	}
	// Entries reach Cloud Logging some seconds after the interval ends.
	ts := ch.end + 5*usPerSec + gw.r.Int64N(25*usPerSec)
	hour := ts - ts%usPerHour
	fb := gw.fs.get(fileKey{fmtGCP, 0, hour})
	st := w.site
	start := len(fb.arena)
	b := append(fb.arena, `{"insertId":"`...)
	for range 13 {
		b = append(b, base36[gw.r.IntN(36)])
	}
	b = append(b, `","jsonPayload":{"bytes_sent":"`...)
	b = strconv.AppendUint(b, bytes, 10)
	b = append(b, `","connection":{"dest_ip":"`...)
	b = to.ip.AppendTo(b)
	b = append(b, '"')
	if c.proto != protoICMP {
		b = append(b, `,"dest_port":`...)
		b = strconv.AppendUint(b, uint64(dp), 10)
	}
	b = append(b, `,"protocol":`...)
	b = strconv.AppendUint(b, uint64(c.proto), 10)
	b = append(b, `,"src_ip":"`...)
	b = from.ip.AppendTo(b)
	b = append(b, '"')
	if c.proto != protoICMP {
		b = append(b, `,"src_port":`...)
		b = strconv.AppendUint(b, uint64(sp), 10)
	}
	b = append(b, '}')
	if to.w != nil && to.w.site.cloud == gcp {
		b = append(b, `,"dest_instance":`...)
		b = appendGCPInstance(b, to.w)
	}
	b = appendGCPLocation(b, `,"dest_location":`, to)
	if to.w != nil && to.w.site.cloud == gcp {
		b = append(b, `,"dest_vpc":`...)
		b = appendGCPVPC(b, to.w.site)
	}
	b = append(b, `,"end_time":"`...)
	b = gw.nanoTime(b, ch.end)
	b = append(b, `","packets_sent":"`...)
	b = strconv.AppendUint(b, pkts, 10)
	b = append(b, `","reporter":"`...)
	if sender {
		b = append(b, "SRC"...)
	} else {
		b = append(b, "DEST"...)
	}
	b = append(b, '"')
	if c.proto == protoTCP && c.outcome == established {
		b = append(b, `,"rtt_msec":"`...)
		b = strconv.AppendInt(b, rttMillis(c), 10)
		b = append(b, '"')
	}
	if from.w != nil && from.w.site.cloud == gcp {
		b = append(b, `,"src_instance":`...)
		b = appendGCPInstance(b, from.w)
	}
	b = appendGCPLocation(b, `,"src_location":`, from)
	if from.w != nil && from.w.site.cloud == gcp {
		b = append(b, `,"src_vpc":`...)
		b = appendGCPVPC(b, from.w.site)
	}
	b = append(b, `,"start_time":"`...)
	b = gw.nanoTime(b, ch.start)
	b = append(b, `"},"logName":"projects/`...)
	b = append(b, st.account...)
	b = append(b, `/logs/compute.googleapis.com%2Fvpc_flows","receiveTimestamp":"`...)
	b = gw.nanoTime(b, ts+1500000+(ts%997)*1000)
	b = append(b, `","resource":{"labels":{"location":"`...)
	b = append(b, w.gcpZone...)
	b = append(b, `","project_id":"`...)
	b = append(b, st.account...)
	b = append(b, `","subnetwork_id":"`...)
	b = append(b, st.subnetID...)
	b = append(b, `","subnetwork_name":"`...)
	b = append(b, st.subnetName...)
	b = append(b, `"},"type":"gce_subnetwork"},"timestamp":"`...)
	b = gw.nanoTime(b, ts)
	b = append(b, "\"}\n"...)
	fb.arena = b
	fb.end(ts, 0, start)
}

// nanoTime writes a nanosecond timestamp as Cloud Logging does; the digits past the
// microsecond are made up from the microseconds so that they vary but repeat.
func (gw *gcpWriter) nanoTime(b []byte, us int64) []byte {
	b = gw.tf.rfc3339(b, us, 9)
	n := (us * 7) % 1000
	b[len(b)-4] = byte('0' + n/100)
	b[len(b)-3] = byte('0' + n/10%10)
	b[len(b)-2] = byte('0' + n%10)
	return b
}

func appendGCPInstance(b []byte, w *workload) []byte {
	b = append(b, `{"project_id":"`...)
	b = append(b, w.site.account...)
	b = append(b, `","region":"`...)
	b = append(b, w.site.region...)
	b = append(b, `","vm_name":"`...)
	b = append(b, w.vmName...)
	b = append(b, `","zone":"`...)
	b = append(b, w.gcpZone...)
	return append(b, `"}`...)
}

func appendGCPVPC(b []byte, st *site) []byte {
	b = append(b, `{"project_id":"`...)
	b = append(b, st.account...)
	b = append(b, `","subnetwork_name":"`...)
	b = append(b, st.subnetName...)
	b = append(b, `","vpc_name":"`...)
	b = append(b, st.vpc...)
	return append(b, `"}`...)
}

// appendGCPLocation writes the geo block GCP adds for an address on the internet.
func appendGCPLocation(b []byte, key string, e endpoint) []byte {
	if e.r == nil || e.private() {
		return b
	}
	b = append(b, key...)
	b = append(b, `{"asn":`...)
	b = strconv.AppendInt(b, int64(e.r.asn), 10)
	b = append(b, `,"continent":"`...)
	b = append(b, e.r.cont...)
	b = append(b, `","country":"`...)
	for i := 0; i < len(e.r.cc3); i++ {
		b = append(b, e.r.cc3[i]|0x20) // GCP writes alpha-3 in lower case
	}
	return append(b, `"}`...)
}

// rttMillis is a believable round-trip time: short inside a region, longer abroad.
func rttMillis(c *conn) int64 {
	if c.src.private() && c.dst.private() {
		return 1 + int64(c.sport%3)
	}
	return 12 + int64(c.sport%90)
}

const base36 = "0123456789abcdefghijklmnopqrstuvwxyz"
