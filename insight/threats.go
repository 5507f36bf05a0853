package insight

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/weirhq/weir/enrich/geo"
	"github.com/weirhq/weir/store/duckdb"
)

// maliciousIPs lists the addresses a feed lists, whichever end they are: one
// query per side, merged per address, direction, country and feeds (a flow whose
// two ends are both listed counts for each), then the services each top address
// was seen with in Now.
func maliciousIPs(ctx context.Context, src Source, d *def, rq *request, res *Result) error {
	groups := map[string]*merged{}
	var all []*merged
	for _, side := range []string{"src", "dst"} {
		by := []string{side + ".ip", "direction", side + ".country", side + ".threat", "action"}
		rows, err := rq.aggregate(ctx, src, res, side+".threat = any", by, "", mergeLimit)
		if err != nil {
			return err
		}
		for _, r := range rows {
			keys := []any{r[side+".ip"], r["direction"], r[side+".country"], r[side+".threat"]}
			k := keyOf(keys)
			m := groups[k]
			if m == nil {
				m = &merged{keys: keys, row: duckdb.Row{"allowed": uint64(0), "denied": uint64(0)}}
				groups[k] = m
				all = append(all, m)
			}
			s := sumsOf(r)
			m.sums.add(s)
			if r["action"] == "deny" {
				m.row["denied"] = u64(m.row["denied"]) + s.flowsNow
			} else {
				m.row["allowed"] = u64(m.row["allowed"]) + s.flowsNow
			}
		}
	}
	top := rank(all, rq.by, rq.limit)
	if err := servicesSeen(ctx, src, rq, res, top); err != nil {
		return err
	}
	emit(res, []string{"ip", "direction", "country", "threat"}, []string{"services", "allowed", "denied"}, top)
	return nil
}

// maxServices is how many services a malicious IP's row names: a scan touches dozens.
const maxServices = 10

// servicesSeen names the services each listed address used in Now, busiest first.
func servicesSeen(ctx context.Context, src Source, rq *request, res *Result, top []*merged) error {
	if len(top) == 0 {
		return nil
	}
	var ips []string
	for _, m := range top {
		ips = append(ips, strconv.Quote(m.keys[0].(string)))
	}
	type svcFlows struct {
		name  string
		flows uint64
	}
	seen := map[string][]svcFlows{}
	for _, side := range []string{"src", "dst"} {
		own := side + ".threat = any and " + side + ".ip in (" + strings.Join(ips, ", ") + ")"
		rows, err := rq.aggregate(ctx, src, res, own, []string{side + ".ip", "service"}, "", mergeLimit)
		if err != nil {
			return err
		}
		for _, r := range rows {
			ip, _ := r[side+".ip"].(string)
			name, _ := r["service"].(string)
			if s := sumsOf(r); s.flowsNow > 0 || s.bytesNow > 0 {
				if name == "" {
					name = "unknown"
				}
				i := slices.IndexFunc(seen[ip], func(x svcFlows) bool { return x.name == name })
				if i < 0 {
					seen[ip] = append(seen[ip], svcFlows{name: name})
					i = len(seen[ip]) - 1
				}
				seen[ip][i].flows += s.flowsNow
			}
		}
	}
	for _, m := range top {
		list := seen[m.keys[0].(string)]
		slices.SortFunc(list, func(a, b svcFlows) int {
			return cmp.Or(cmp.Compare(b.flows, a.flows), strings.Compare(a.name, b.name))
		})
		var names []string
		for _, s := range list[:min(len(list), maxServices)] {
			names = append(names, s.name)
		}
		m.row["services"] = strings.Join(names, ",")
	}
	return nil
}

// threatMap sums flows with a listed end by that end's country: the source's
// when both ends are listed, so that no flow counts twice.
func threatMap(ctx context.Context, src Source, d *def, rq *request, res *Result) error {
	groups := map[string]*merged{}
	var all []*merged
	for _, q := range []struct{ own, field string }{
		{`src.threat = any and src.country != ""`, "src.country"},
		{`dst.threat = any and not src.threat = any and dst.country != ""`, "dst.country"},
	} {
		rows, err := rq.aggregate(ctx, src, res, q.own, []string{q.field}, "", mergeLimit)
		if err != nil {
			return err
		}
		all = append(all, mergeInto(groups, rows, []string{q.field})...)
	}
	top := rank(all, rq.by, rq.limit)
	for _, m := range top {
		if lat, lon, ok := geo.CountryCentroid(m.keys[0].(string)); ok {
			m.row["lat"], m.row["lon"] = lat, lon
		}
	}
	emit(res, []string{"country"}, []string{"lat", "lon"}, top)
	return nil
}

// countries sums inbound traffic by the source's country and outbound traffic by
// the destination's: the country of the end outside the estate.
func countries(ctx context.Context, src Source, d *def, rq *request, res *Result) error {
	groups := map[string]*merged{}
	var all []*merged
	for _, q := range []struct{ own, field string }{
		{`direction = inbound and src.country != ""`, "src.country"},
		{`direction = outbound and dst.country != ""`, "dst.country"},
	} {
		rows, err := rq.aggregate(ctx, src, res, q.own, []string{q.field, "direction"}, "", mergeLimit)
		if err != nil {
			return err
		}
		all = append(all, mergeInto(groups, rows, []string{q.field, "direction"})...)
	}
	emit(res, []string{"country", "direction"}, nil, rank(all, rq.by, rq.limit))
	return nil
}
