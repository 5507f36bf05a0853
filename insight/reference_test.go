package insight

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/weirhq/weir/flow"
)

// The reference: every insight computed from the estate's records with loops and
// maps over flow.Record, apart from the SQL, to compare with Run.

// refRow is a reference row: its key columns as text and its sums.
type refRow struct {
	keys  []string
	s     sums
	extra map[string]string // further columns as text
	acc   map[string]*svcAcc
}

type svcAcc struct{ flows, bytes uint64 }

type refTable map[string]*refRow

func (t refTable) add(r *flow.Record, now bool, keys ...string) *refRow {
	k := strings.Join(keys, "\x00")
	row := t[k]
	if row == nil {
		row = &refRow{keys: keys, extra: map[string]string{}, acc: map[string]*svcAcc{}}
		t[k] = row
	}
	if now {
		row.s.flowsNow += uint64(r.Flows)
		row.s.bytesNow += r.Bytes
	} else {
		row.s.flowsPrev += uint64(r.Flows)
		row.s.bytesPrev += r.Bytes
	}
	return row
}

// window selects the records of Now and Prev that pass pred.
type window struct {
	prevFrom, from, until time.Time
	pred                  func(r *flow.Record) bool
}

func (w window) each(recs []flow.Record, f func(r *flow.Record, now bool)) {
	for i := range recs {
		r := &recs[i]
		if r.Start.Before(w.prevFrom) || !r.Start.Before(w.until) || !w.pred(r) {
			continue
		}
		f(r, !r.Start.Before(w.from))
	}
}

func listed(s *flow.Side) bool { return s.Threat.Feeds != "" }

// servicePorts names the destination ports that carried connections per
// (service, proto), busiest first, at most five.
func servicePorts(recs []flow.Record, w window, keep func(r *flow.Record) bool) map[string]string {
	type pf struct{ port, flows uint64 }
	acc := map[string]map[uint16]uint64{}
	w.each(recs, func(r *flow.Record, now bool) {
		if !keep(r) {
			return
		}
		k := r.Service + "\x00" + flow.ProtoName(r.Proto)
		if acc[k] == nil {
			acc[k] = map[uint16]uint64{}
		}
		acc[k][r.ServicePort] += uint64(r.Flows)
	})
	out := map[string]string{}
	for k, m := range acc {
		var ps []pf
		for p, f := range m {
			if f > 0 {
				ps = append(ps, pf{uint64(p), f})
			}
		}
		slices.SortFunc(ps, func(a, b pf) int { return cmp.Or(cmp.Compare(b.flows, a.flows), cmp.Compare(a.port, b.port)) })
		var list []string
		for _, p := range ps[:min(len(ps), 5)] {
			list = append(list, fmt.Sprint(p.port))
		}
		out[k] = strings.Join(list, ",")
	}
	return out
}

// reference computes insight id with params over recs in w.
func reference(id string, params map[string]string, recs []flow.Record, w window) refTable {
	t := refTable{}
	svc := func(r *flow.Record) bool {
		v := params["service"]
		if v == "" {
			return true
		}
		for _, s := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(s), r.Service) {
				return true
			}
		}
		return false
	}
	ip := func(a fmt.Stringer) string { return a.String() }
	switch id {
	case "risky-services", "malicious-services":
		keep := func(r *flow.Record) bool { return r.ServiceRisk >= flow.RiskMedium && svc(r) }
		if id == "malicious-services" {
			keep = func(r *flow.Record) bool { return listed(&r.Src) || listed(&r.Dst) }
		}
		ports := servicePorts(recs, w, keep)
		w.each(recs, func(r *flow.Record, now bool) {
			if !keep(r) {
				return
			}
			proto := flow.ProtoName(r.Proto)
			keys := []string{r.Service, ports[r.Service+"\x00"+proto], proto}
			if id == "risky-services" {
				keys = append(keys, r.ServiceRisk.String())
			}
			t.add(r, now, keys...)
		})
	case "destination-roles":
		w.each(recs, func(r *flow.Record, now bool) {
			if svc(r) {
				t.add(r, now, r.Dst.Role)
			}
		})
	case "workloads-by-role":
		w.each(recs, func(r *flow.Record, now bool) {
			if svc(r) {
				t.add(r, now, ip(r.SrcIP), r.Src.Workload, r.Dst.Role)
			}
		})
	case "zones":
		w.each(recs, func(r *flow.Record, now bool) {
			if svc(r) {
				t.add(r, now, r.Src.Zone, r.Dst.Zone)
			}
		})
	case "cross-region":
		w.each(recs, func(r *flow.Record, now bool) {
			if svc(r) && r.Src.Region != "" && r.Dst.Region != "" && r.Src.Region != r.Dst.Region {
				t.add(r, now, r.Src.Region, r.Dst.Region)
			}
		})
	case "malicious-ips":
		w.each(recs, func(r *flow.Record, now bool) {
			for _, s := range []struct {
				side *flow.Side
				ip   string
			}{{&r.Src, ip(r.SrcIP)}, {&r.Dst, ip(r.DstIP)}} {
				if !listed(s.side) {
					continue
				}
				row := t.add(r, now, s.ip, r.Direction.String(), s.side.Country, s.side.Threat.Feeds)
				if now {
					key := map[bool]string{true: "denied", false: "allowed"}[r.Action == flow.Deny]
					row.acc[key] = addAcc(row.acc[key], uint64(r.Flows), 0)
				}
			}
		})
		// Services per address over both sides, in Now.
		seen := map[string]map[string]*svcAcc{}
		w.each(recs, func(r *flow.Record, now bool) {
			if !now {
				return
			}
			for _, s := range []struct {
				side *flow.Side
				ip   string
			}{{&r.Src, ip(r.SrcIP)}, {&r.Dst, ip(r.DstIP)}} {
				if listed(s.side) {
					name := cmp.Or(r.Service, "unknown")
					if seen[s.ip] == nil {
						seen[s.ip] = map[string]*svcAcc{}
					}
					seen[s.ip][name] = addAcc(seen[s.ip][name], uint64(r.Flows), r.Bytes)
				}
			}
		})
		for _, row := range t {
			type nf struct {
				name  string
				flows uint64
			}
			var list []nf
			for name, a := range seen[row.keys[0]] {
				if a.flows > 0 || a.bytes > 0 {
					list = append(list, nf{name, a.flows})
				}
			}
			slices.SortFunc(list, func(a, b nf) int { return cmp.Or(cmp.Compare(b.flows, a.flows), strings.Compare(a.name, b.name)) })
			var names []string
			for _, n := range list[:min(len(list), 10)] {
				names = append(names, n.name)
			}
			row.extra["services"] = strings.Join(names, ",")
			for _, k := range []string{"allowed", "denied"} {
				var n uint64
				if a := row.acc[k]; a != nil {
					n = a.flows
				}
				row.extra[k] = fmt.Sprint(n)
			}
		}
	case "threat-map":
		w.each(recs, func(r *flow.Record, now bool) {
			switch {
			case listed(&r.Src):
				if r.Src.Country != "" {
					t.add(r, now, r.Src.Country)
				}
			case listed(&r.Dst) && r.Dst.Country != "":
				t.add(r, now, r.Dst.Country)
			}
		})
	case "external-transfers":
		w.each(recs, func(r *flow.Record, now bool) {
			if r.Direction != flow.Outbound || !svc(r) {
				return
			}
			switch cmp.Or(params["group"], "category") {
			case "category":
				t.add(r, now, r.Category)
			case "service":
				t.add(r, now, r.Service)
			case "country":
				t.add(r, now, r.Dst.Country)
			case "source":
				t.add(r, now, ip(r.SrcIP), r.Src.Workload)
			}
		})
	case "countries":
		w.each(recs, func(r *flow.Record, now bool) {
			switch {
			case r.Direction == flow.Inbound && r.Src.Country != "":
				t.add(r, now, r.Src.Country, "inbound")
			case r.Direction == flow.Outbound && r.Dst.Country != "":
				t.add(r, now, r.Dst.Country, "outbound")
			}
		})
	case "shadow-llm":
		w.each(recs, func(r *flow.Record, now bool) {
			if r.LLMProvider != "" {
				t.add(r, now, r.LLMProvider, fmt.Sprint(r.LLMSanctioned))
			}
		})
	case "llm-sources":
		w.each(recs, func(r *flow.Record, now bool) {
			if r.Direction == flow.Outbound && r.LLMProvider != "" &&
				(params["provider"] == "" || strings.EqualFold(params["provider"], r.LLMProvider)) {
				t.add(r, now, ip(r.SrcIP), r.Src.Workload, r.LLMProvider)
			}
		})
	default:
		panic("no reference for " + id)
	}
	return t
}

func addAcc(a *svcAcc, flows, bytes uint64) *svcAcc {
	if a == nil {
		a = &svcAcc{}
	}
	a.flows += flows
	a.bytes += bytes
	return a
}

// referenceTimeline is the timeline's rows by bucket start (Unix seconds).
func referenceTimeline(recs []flow.Record, w window, bucket time.Duration) map[int64]sums {
	b := int64(bucket / time.Second)
	win := int64(w.until.Sub(w.from) / time.Second)
	out := map[int64]sums{}
	for t := w.from.Unix() / b * b; t < w.until.Unix(); t += b {
		out[t] = sums{}
	}
	w.each(recs, func(r *flow.Record, now bool) {
		ts := r.Start.Unix()
		if now {
			k := ts / b * b
			s := out[k]
			s.flowsNow += uint64(r.Flows)
			s.bytesNow += r.Bytes
			out[k] = s
			return
		}
		// A Prev record shows beside the Now bucket one window later.
		k := ts/b*b + win
		if s, ok := out[k]; ok {
			s.flowsPrev += uint64(r.Flows)
			s.bytesPrev += r.Bytes
			out[k] = s
		}
	})
	return out
}
