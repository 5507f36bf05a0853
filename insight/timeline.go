package insight

import (
	"context"
	"fmt"
	"time"

	"github.com/weirhq/weir/store/duckdb"
)

// maxBuckets bounds a timeline's rows.
const maxBuckets = 1000

func checkBucket(v string) error {
	d, err := time.ParseDuration(v)
	if v == "1d" {
		d, err = 24*time.Hour, nil
	}
	if err != nil || d < time.Minute || d%time.Minute != 0 {
		return fmt.Errorf("%q: want whole minutes from 1m, e.g. 5m, 1h, 1d", v)
	}
	return nil
}

// bucketOf is the timeline's bucket: the one asked for, or the widest of 1d (for
// windows over 14 days), 1h, 15m, 5m, 1m that divides the window.
func bucketOf(rq *request) (time.Duration, error) {
	if v := rq.params["bucket"]; v != "" {
		d := 24 * time.Hour
		if v != "1d" {
			d, _ = time.ParseDuration(v) // checked
		}
		if rq.window%d != 0 {
			return 0, paramErr("bucket", "%s does not divide the window %s", v, rq.window)
		}
		if rq.window/d > maxBuckets {
			return 0, paramErr("bucket", "%s makes %d buckets of the window %s, at most %d", v, rq.window/d, rq.window, maxBuckets)
		}
		return d, nil
	}
	for _, d := range []time.Duration{24 * time.Hour, time.Hour, 15 * time.Minute, 5 * time.Minute, time.Minute} {
		if d == 24*time.Hour && rq.window <= 14*24*time.Hour {
			continue
		}
		if rq.window%d == 0 && rq.window/d <= maxBuckets {
			return d, nil
		}
	}
	return 0, paramErr("window", "%s: a timeline needs a window of whole minutes", rq.window)
}

// timeline sums flows and bytes per bucket of Now, each beside the bucket one
// window earlier in Prev. Buckets are aligned on the epoch, so a window that does
// not start on one cuts its first bucket short (and its last, which ends at
// until); the store's Split keeps Now and Prev apart inside a bucket they share.
func timeline(ctx context.Context, src Source, d *def, rq *request, res *Result) error {
	bucket, err := bucketOf(rq)
	if err != nil {
		return err
	}
	c, err := filter(rq.q)
	if err != nil {
		return err
	}
	b := int64(bucket / time.Second)
	rows, table, err := src.Aggregate(ctx, duckdb.AggregateQuery{From: rq.prevFrom, Until: rq.until, Split: rq.from,
		Where: c.Where, Args: c.Args, Columns: c.Columns, By: []string{"time"}, Bucket: bucket, Limit: 2*maxBuckets + 4})
	if err != nil {
		return err
	}
	if !duckdb.IsRollup(table) {
		res.Table = "raw"
	}
	at := map[int64]sums{}
	for _, r := range rows {
		t, _ := r["time"].(time.Time)
		at[t.Unix()] = sumsOf(r)
	}
	res.Columns = append([]string{"time"}, Measures...)
	w := int64(rq.window / time.Second)
	first := rq.from.Unix() / b * b
	for t := first; t < rq.until.Unix(); t += b {
		now, prev := at[t], at[t-w]
		s := sums{flowsNow: now.flowsNow, bytesNow: now.bytesNow, flowsPrev: prev.flowsPrev, bytesPrev: prev.bytesPrev}
		row := duckdb.Row{"time": time.Unix(t, 0).UTC()}
		s.put(row)
		res.Rows = append(res.Rows, row)
	}
	return nil
}
