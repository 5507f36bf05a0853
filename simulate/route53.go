package simulate

import (
	"hash/fnv"
	"strconv"
	"time"
)

// route53Writer writes Route 53 Resolver query logs (JSON, one query per line) for
// each VPC and hour, gzipped in the S3 key layout AWS uses.
type route53Writer struct {
	fs   *fileSet
	est  *estate
	seed uint64
	tf   timeFmt
}

func (rw *route53Writer) gzipped() bool { return true }

func (rw *route53Writer) path(k fileKey) string {
	st := rw.est.sites[k.unit]
	t := time.UnixMicro(k.hour).UTC()
	h := fnv.New32a()
	h.Write([]byte(strconv.FormatUint(rw.seed, 10) + st.vpc + t.Format(time.RFC3339)))
	return "route53/AWSLogs/" + st.account + "/vpcdnsquerylogs/" + st.vpc + "/" + t.Format("2006/01/02") + "/" +
		st.account + "_vpcdnsquerylogs_" + st.vpc + "_" + t.Format("20060102T1504Z") + "_" +
		strconv.FormatUint(uint64(h.Sum32())|1<<31, 16) + ".log.gz"
}

func (rw *route53Writer) render(o *output, fb *fileBuf) error {
	for _, it := range fb.items {
		o.add(fb.line(it))
	}
	return o.flush()
}

// query logs that w resolved domain to ip at t.
func (rw *route53Writer) query(w *workload, t int64, sport uint16, domain string, ip endpoint) {
	st := w.site
	hour := t - t%usPerHour
	fb := rw.fs.get(fileKey{fmtRoute53, st.idx, hour})
	start := len(fb.arena)
	b := append(fb.arena, `{"version":"1.100000","account_id":"`...)
	b = append(b, st.account...)
	b = append(b, `","region":"`...)
	b = append(b, st.region...)
	b = append(b, `","vpc_id":"`...)
	b = append(b, st.vpc...)
	b = append(b, `","query_timestamp":"`...)
	b = rw.tf.rfc3339(b, t, 0)
	b = append(b, `","query_name":"`...)
	b = append(b, domain...)
	b = append(b, `.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"`...)
	b = ip.ip.AppendTo(b)
	b = append(b, `","Type":"A","Class":"IN"}],"srcaddr":"`...)
	b = w.ip.AppendTo(b)
	b = append(b, `","srcport":"`...)
	b = strconv.AppendUint(b, uint64(sport), 10)
	b = append(b, `","transport":"UDP","srcids":{"instance":"`...)
	b = append(b, w.instanceID...)
	b = append(b, "\"}}\n"...)
	fb.arena = b
	fb.end(t, 0, start)
}
