package insight

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/store/duckdb"
)

// keyColumns are the columns of each insight's rows that identify it, and the
// further columns to compare as text.
var keyColumns = map[string][2][]string{
	"risky-services":     {{"service", "port", "proto", "service.risk"}},
	"destination-roles":  {{"dst.role"}},
	"workloads-by-role":  {{"src.ip", "src.workload", "dst.role"}},
	"zones":              {{"src.zone", "dst.zone"}},
	"cross-region":       {{"src.region", "dst.region"}},
	"malicious-ips":      {{"ip", "direction", "country", "threat"}, {"services", "allowed", "denied"}},
	"malicious-services": {{"service", "port", "proto"}},
	"threat-map":         {{"country"}},
	"external-transfers": {{"dst.category"}},
	"countries":          {{"country", "direction"}},
	"shadow-llm":         {{"llm.provider", "llm.sanctioned"}},
	"llm-sources":        {{"src.ip", "src.workload", "llm.provider"}},
}

// filters are users' filters with the same condition in Go.
var filters = []struct {
	q    string
	pred func(r *flow.Record) bool
}{
	{"", func(*flow.Record) bool { return true }},
	{"service in (SMB, RDP, HTTPS, SSH)", func(r *flow.Record) bool {
		return slices.Contains([]string{"SMB", "RDP", "HTTPS", "SSH"}, r.Service)
	}},
	{`src.zone = "Internal Azure" or dst.country = RU`, func(r *flow.Record) bool {
		return r.Src.Zone == "Internal Azure" || r.Dst.Country == "RU"
	}},
	// The source port is not in the hourly rollup: this one reads the raw flows.
	{"src.port > 1023", func(r *flow.Record) bool { return r.SrcPort > 1023 }},
}

type measures struct{ FlowsNow, FlowsPrev, BytesNow, BytesPrev uint64 }

// TestInsightsMatchTheReference runs every insight over several windows (on and
// off the hour) and filters, and compares the rows as sets with the reference.
func TestInsightsMatchTheReference(t *testing.T) {
	ctx := context.Background()
	end := est.Truth.End
	cases := []struct {
		window    time.Duration
		until     time.Time
		filter    int
		by        string
		wantTable string
	}{
		{24 * time.Hour, end, 0, "flows", "rollup"},
		{12 * time.Hour, end, 1, "bytes", "rollup"},
		{6 * time.Hour, end.Add(-3 * time.Hour), 2, "flows", "rollup"},
		{6 * time.Hour, end.Add(-3*time.Hour + 17*time.Minute + 5*time.Second), 0, "bytes", "raw"},
		{time.Hour, end.Add(-5 * time.Hour), 3, "flows", "raw"},
		{time.Hour, end.Add(-150 * time.Minute), 2, "flows", "raw"},
	}
	for _, tc := range cases {
		f := filters[tc.filter]
		w := window{prevFrom: tc.until.Add(-2 * tc.window), from: tc.until.Add(-tc.window), until: tc.until, pred: f.pred}
		for _, id := range IDs() {
			variants := []map[string]string{nil}
			switch id {
			case "external-transfers":
				variants = []map[string]string{nil, {"group": "service"}, {"group": "country"}, {"group": "source"}}
			case "workloads-by-role", "destination-roles":
				variants = append(variants, map[string]string{"service": "SMB"})
			case "llm-sources":
				variants = append(variants, map[string]string{"provider": "xAI Grok"})
			}
			for _, params := range variants {
				name := fmt.Sprintf("%s %v %s until %s q=%q by %s", id, params, tc.window, tc.until.Format(time.RFC3339), f.q, tc.by)
				res, err := Run(ctx, est.Store, id, Params{Window: tc.window.String(), Until: tc.until.Format(time.RFC3339),
					By: tc.by, Limit: "1000", Q: f.q, Extra: params, Now: end})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if res.Table != tc.wantTable {
					t.Errorf("%s: answered from %s, want %s", name, res.Table, tc.wantTable)
				}
				if id == "timeline" {
					compareTimeline(t, name, res, w)
					continue
				}
				checkOrder(t, name, res, tc.by)
				compareRows(t, name, id, tc.by, params, res, w)
			}
		}
	}
}

func compareRows(t *testing.T, name, id, by string, params map[string]string, res *Result, w window) {
	t.Helper()
	cols := keyColumns[id]
	if id == "external-transfers" {
		cols[0] = map[string][]string{"": {"dst.category"}, "service": {"service"}, "country": {"dst.country"},
			"source": {"src.ip", "src.workload"}}[params["group"]]
	}
	got := map[string]measures{}
	for _, r := range res.Rows {
		var keys []string
		for _, c := range cols[0] {
			keys = append(keys, r.Cell(c))
		}
		for _, c := range cols[1] {
			keys = append(keys, c+"="+r.Cell(c))
		}
		k := strings.Join(keys, " | ")
		if _, dup := got[k]; dup {
			t.Errorf("%s: row %s twice", name, k)
		}
		got[k] = measures{u64(r["flows_now"]), u64(r["flows_prev"]), u64(r["bytes_now"]), u64(r["bytes_prev"])}
		checkDerived(t, name, r)
	}
	want := map[string]measures{}
	for _, row := range reference(id, params, est.Records, w) {
		keys := slices.Clone(row.keys)
		for _, c := range cols[1] {
			keys = append(keys, c+"="+row.extra[c])
		}
		want[strings.Join(keys, " | ")] = measures{row.s.flowsNow, row.s.flowsPrev, row.s.bytesNow, row.s.bytesPrev}
	}
	if len(want) > len(res.Rows) && len(res.Rows) == 1000 {
		// More groups than the largest limit: Run's rows must be the reference's
		// and every row left out must rank no higher than the last one kept.
		last := res.Rows[len(res.Rows)-1]
		ln, lp := u64(last[by+"_now"]), u64(last[by+"_prev"])
		for k, m := range want {
			if g, ok := got[k]; ok {
				if g != m {
					t.Errorf("%s: %s: Run %+v, reference %+v", name, k, g, m)
				}
				continue
			}
			n, p := m.FlowsNow, m.FlowsPrev
			if by == "bytes" {
				n, p = m.BytesNow, m.BytesPrev
			}
			if n > ln || n == ln && p > lp {
				t.Errorf("%s: %s %+v left out, ranks above the last row kept", name, k, m)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: %s not in the reference", name, k)
			}
		}
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-reference, +Run):\n%s", name, diff)
	}
}

// checkDerived checks a row's deltas, percent changes and bytes per flow.
func checkDerived(t *testing.T, name string, r duckdb.Row) {
	t.Helper()
	fn, fp, bn, bp := u64(r["flows_now"]), u64(r["flows_prev"]), u64(r["bytes_now"]), u64(r["bytes_prev"])
	if r["flows_delta"] != int64(fn)-int64(fp) || r["bytes_delta"] != int64(bn)-int64(bp) {
		t.Errorf("%s: deltas %v", name, r)
	}
	if _, ok := r["flows_pct"]; ok != (fp > 0) {
		t.Errorf("%s: flows_pct present %v with flows_prev %d", name, ok, fp)
	}
	if fp > 0 && r["flows_pct"] != pct(fn, fp) {
		t.Errorf("%s: flows_pct %v, want %v", name, r["flows_pct"], pct(fn, fp))
	}
	if v, ok := r["bytes_per_flow"]; ok && (fn == 0 || v != bn/fn) {
		t.Errorf("%s: bytes_per_flow %v of %d bytes in %d flows", name, v, bn, fn)
	}
}

// checkOrder checks that rows come by the chosen measure in Now, then in Prev.
func checkOrder(t *testing.T, name string, res *Result, by string) {
	t.Helper()
	for i := 1; i < len(res.Rows); i++ {
		a, b := res.Rows[i-1], res.Rows[i]
		an, ap, bn, bp := u64(a[by+"_now"]), u64(a[by+"_prev"]), u64(b[by+"_now"]), u64(b[by+"_prev"])
		if an < bn || an == bn && ap < bp {
			t.Errorf("%s: row %d (%d, %d) before row %d (%d, %d)", name, i-1, an, ap, i, bn, bp)
			return
		}
	}
}

func compareTimeline(t *testing.T, name string, res *Result, w window) {
	t.Helper()
	bucket := time.Hour
	if w.until.Sub(w.from) < time.Hour*2 {
		bucket = time.Hour // a 1h window still takes 1h buckets
	}
	got := map[int64]sums{}
	var prev time.Time
	for i, r := range res.Rows {
		ts := r["time"].(time.Time)
		if i > 0 && !ts.After(prev) {
			t.Errorf("%s: time %s after %s", name, ts, prev)
		}
		prev = ts
		got[ts.Unix()] = sumsOf(r)
	}
	want := referenceTimeline(est.Records, w, bucket)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(sums{})); diff != "" {
		t.Errorf("%s (-reference, +Run):\n%s", name, diff)
	}
}

// TestTheEstateIsWhatTheStoreHolds guards the reference's footing: the rebuilt
// records add up to what the pipeline stored.
func TestTheEstateIsWhatTheStoreHolds(t *testing.T) {
	var n, flows, bytes uint64
	for _, r := range est.Records {
		n++
		flows += uint64(r.Flows)
		bytes += r.Bytes
	}
	var sn, sf, sb uint64
	if err := est.Store.DB().QueryRow(`SELECT count(*), sum(flows)::UBIGINT, sum(bytes)::UBIGINT FROM flows`).Scan(&sn, &sf, &sb); err != nil {
		t.Fatal(err)
	}
	if n != sn || flows != sf || bytes != sb {
		t.Fatalf("rebuilt %d records, %d flows, %d bytes; the store holds %d, %d, %d", n, flows, bytes, sn, sf, sb)
	}
	if n < 50_000 {
		t.Errorf("only %d records: the estate is too small to test anything", n)
	}
}
