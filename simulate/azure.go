package simulate

import (
	"strconv"
	"time"
)

// azureContinue is how often VNet flow logs report an ongoing flow (C tuples).
const azureContinue = 300 * usPerSec

// azureRecordSpan is the span of one record inside the hourly blob.
const azureRecordSpan = 300 * usPerSec

// azureRules are the NSG rules tuples are grouped under, by group index.
var azureRules = []string{
	"DefaultRule_AllowInternetOutBound",
	"DefaultRule_AllowVnetOutBound",
	"DefaultRule_AllowVnetInBound",
	"UserRule_AllowHTTPSInbound",
	"UserRule_AllowRDPInbound",
	"UserRule_AllowPublicInbound",
	"DefaultRule_DenyAllInBound",
}

const (
	ruleInternetOut = iota
	ruleVnetOut
	ruleVnetIn
	ruleHTTPSIn
	ruleRDPIn
	rulePublicIn
	ruleDenyIn
)

// azureWriter writes VNet flow logs v4: one PT1H.json blob per NIC (MAC address) and
// hour, in the container layout Network Watcher uses. A flow has a B tuple when it
// begins, C tuples while it lasts and an E tuple when it ends, each C and E counting
// the packets and bytes since the tuple before; a denied flow has one D tuple.
type azureWriter struct {
	fs     *fileSet
	est    *estate
	chunks []chunk
}

func (az *azureWriter) gzipped() bool { return false }

func (az *azureWriter) path(k fileKey) string {
	w := az.est.workloads[k.unit]
	t := time.UnixMicro(k.hour).UTC()
	return "azure/insights-logs-flowlogflowevent/flowLogResourceID=" + w.site.flowLogResourceID +
		t.Format("/y=2006/m=01/d=02/h=15/m=00") + "/macAddress=" + w.mac + "/PT1H.json"
}

// add writes the tuples the NIC of w logs for c; atSrc says w is c's source.
func (az *azureWriter) add(c *conn, w *workload, atSrc bool) {
	dir := byte('I')
	if atSrc {
		dir = 'O'
	}
	rule := azureRule(c, atSrc)
	if !atSrc && c.outcome == denied {
		az.tuple(w, c, c.start, dir, 'D', rule, chunk{})
		return
	}
	az.tuple(w, c, c.start, dir, 'B', rule, chunk{})
	az.chunks = c.chunks(azureContinue, az.chunks)
	for i, ch := range az.chunks {
		state := byte('C')
		if i == len(az.chunks)-1 {
			state = 'E'
		}
		if !c.hasReply() {
			ch.pktsRev, ch.bytesRev = 0, 0
		}
		az.tuple(w, c, ch.end, dir, state, rule, ch)
	}
}

func azureRule(c *conn, atSrc bool) int {
	switch {
	case atSrc && c.dst.private():
		return ruleVnetOut
	case atSrc:
		return ruleInternetOut
	case c.outcome == denied:
		return ruleDenyIn
	case c.src.private():
		return ruleVnetIn
	case c.dport == 443 || c.dport == 80:
		return ruleHTTPSIn
	case c.dport == 3389:
		return ruleRDPIn
	}
	return rulePublicIn
}

func (az *azureWriter) tuple(w *workload, c *conn, t int64, dir, state byte, rule int, ch chunk) {
	hour := t - t%usPerHour
	fb := az.fs.get(fileKey{fmtAzure, w.idx, hour})
	start := len(fb.arena)
	b := strconv.AppendInt(fb.arena, t/1000, 10)
	b = append(b, ',')
	b = c.src.ip.AppendTo(b)
	b = append(b, ',')
	b = c.dst.ip.AppendTo(b)
	b = append(b, ',')
	if c.proto == protoICMP {
		b = append(b, "0,0,"...)
	} else {
		b = strconv.AppendUint(b, uint64(c.sport), 10)
		b = append(b, ',')
		b = strconv.AppendUint(b, uint64(c.dport), 10)
		b = append(b, ',')
	}
	b = strconv.AppendUint(b, uint64(c.proto), 10)
	b = append(b, ',', dir, ',', state, ',', 'N', 'X', ',')
	b = strconv.AppendUint(b, ch.pkts, 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, ch.bytes, 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, ch.pktsRev, 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, ch.bytesRev, 10)
	fb.arena = b
	fb.end(t, int32(rule), start)
}

// render writes the blob: records of azureRecordSpan, each grouping its tuples by
// rule under the NIC's NSG.
func (az *azureWriter) render(o *output, fb *fileBuf) error {
	w := az.est.workloads[fb.key.unit]
	st := w.site
	var tf timeFmt // render runs on the writers' goroutines: nothing shared
	o.str(`{"records":[`)
	for i := 0; i < len(fb.items); {
		bucket := fb.items[i].t / azureRecordSpan
		j := i
		for j < len(fb.items) && fb.items[j].t/azureRecordSpan == bucket {
			j++
		}
		if i > 0 {
			o.str(",\n")
		}
		// The record is written when its span closes, a little after.
		at := (bucket+1)*azureRecordSpan + (bucket*7919)%(20*usPerSec)
		o.buf = append(o.buf, `{"time":"`...)
		o.buf = tf.rfc3339(o.buf, at, 7)
		o.str(`","flowLogVersion":4,"flowLogGUID":"`)
		o.str(st.flowLogGUID)
		o.str(`","macAddress":"`)
		o.str(w.mac)
		o.str(`","category":"FlowLogFlowEvent","flowLogResourceID":"`)
		o.str(st.flowLogResourceID)
		o.str(`","targetResourceID":"`)
		o.str(st.targetResourceID)
		o.str(`","operationName":"FlowLogFlowEvent","flowRecords":{"flows":[{"aclID":"`)
		o.str(st.aclID)
		o.str(`","flowGroups":[`)
		firstGroup := true
		for rule := range azureRules {
			firstTuple := true
			for k := i; k < j; k++ {
				it := fb.items[k]
				if int(it.group) != rule {
					continue
				}
				if firstTuple {
					if !firstGroup {
						o.str(",")
					}
					o.str(`{"rule":"`)
					o.str(azureRules[rule])
					o.str(`","flowTuples":[`)
					firstGroup, firstTuple = false, false
				} else {
					o.str(",")
				}
				o.str(`"`)
				o.add(fb.line(it))
				o.str(`"`)
			}
			if !firstTuple {
				o.str("]}")
			}
		}
		o.str("]}]}}")
		i = j
	}
	o.str("]}\n")
	return o.flush()
}
