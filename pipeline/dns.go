package pipeline

import (
	"context"
	"errors"
	"io"

	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/store/duckdb"
)

// ingestDNS reads one passive-DNS input into p.deps.DNS and the store.
func (p *Pipeline) ingestDNS(ctx context.Context, st *fileState) (int64, error) {
	s := &st.summary
	rc, err := open(st.in.path)
	if err != nil {
		s.Status, s.Error = "failed", err.Error()
		return 0, nil
	}
	defer rc.Close()
	dec := st.in.format.newDNS(rc, ingest.Options{Name: st.in.path, Now: p.cfg.Now()})
	s.Status = "ingested"
	var obs []ingest.DNSObservation
	var rejects []duckdb.Reject
	var items int64
	for ctx.Err() == nil {
		var o ingest.DNSObservation
		err := dec.Next(&o)
		if err == io.EOF {
			break
		}
		if err != nil {
			var re *ingest.RecordError
			if !errors.As(err, &re) {
				s.Error = err.Error()
				break
			}
			items++
			if items > s.Resumed {
				s.Rejected++
				p.reject(s, re, &rejects)
			}
			continue
		}
		items++
		if p.deps.DNS != nil {
			p.deps.DNS.Add(o) // all of it, also what an earlier run stored: the index is in memory
		}
		if items > s.Resumed {
			obs = append(obs, o)
			s.Accepted++
		}
	}
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	p.filesDone.Add(1)
	p.records.Add(items)
	pr := &duckdb.Progress{Path: st.in.path, Format: st.in.format.name, Size: st.in.size, Items: items,
		Accepted: s.Accepted, Rejected: s.Rejected, Done: true, Rejects: rejects}
	return int64(len(obs)), p.deps.Store.AddDNS(ctx, obs, pr)
}
