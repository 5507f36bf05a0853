package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/weirhq/weir/enrich/roles"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/store/duckdb"
)

// chunkSize is how many records a decode worker hands to the writer at a time.
const chunkSize = 4096

// maxExamples is how many rejects per input the summary spells out.
const maxExamples = 5

// chunk is a run of records from one input, with the input's counts after them:
// the writer commits those counts with the records, so progress never runs ahead
// of what is stored.
type chunk struct {
	recs     []flow.Record
	at       []position // the input's counts as of each record
	file     *fileState
	progress duckdb.Progress // cumulative, as of the chunk's last record
}

// position is an input's counts as of one record: where a batch that ends at
// that record leaves the input.
type position struct{ items, accepted, rejected, duplicates int64 }

// fileState is one input's counters while it is read.
type fileState struct {
	in       input
	summary  FileSummary
	newFlows func(r io.Reader, o ingest.Options) ingest.Decoder // when not the format's own
}

// Ingest reads every input under paths (files, or directories walked in name
// order), and returns what came of each. A bad record is counted and skipped; a bad
// input (unreadable, unknown format, truncated) is reported in its summary and the
// others are still read. The error is for what stops the whole run: the store
// failing, or ctx ending (what was committed before stays, and a rerun resumes).
func (p *Pipeline) Ingest(ctx context.Context, paths []string) (sum Summary, err error) {
	start := time.Now()
	files, err := expand(paths)
	if err != nil {
		return sum, err
	}
	p.filesDone.Store(0)
	p.records.Store(0)
	if p.cfg.Progress != nil {
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			tick := time.NewTicker(500 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					p.cfg.Progress(Status{Files: len(files), FilesDone: int(p.filesDone.Load()),
						Records: p.records.Load(), Elapsed: time.Since(start)})
				}
			}
		}()
	}
	var states, dnsInputs, flowInputs []*fileState
	// However the run ends, the summary says what became of every input.
	defer func() {
		sum.Files = make([]FileSummary, len(states))
		for i, st := range states {
			sum.Files[i] = st.summary
			filesRead.WithLabelValues(st.summary.Format, st.summary.Status).Inc()
		}
	}()
	for _, path := range files {
		st := &fileState{summary: FileSummary{Path: path}}
		states = append(states, st)
		if err := p.prepare(ctx, st); err != nil {
			st.summary.Status, st.summary.Error = "failed", err.Error()
		}
		switch {
		case st.summary.Status != "":
			// failed or already ingested: nothing to read
		case st.in.format.newDNS != nil:
			dnsInputs = append(dnsInputs, st)
		default:
			flowInputs = append(flowInputs, st)
		}
	}
	// Passive DNS first, so that the flows after it can be named.
	for _, st := range dnsInputs {
		n, err := p.ingestDNS(ctx, st)
		sum.DNS += n
		if err != nil {
			return sum, err
		}
	}
	// DuckDB loads a batch on one thread, so that decoding keeps the other core:
	// measured faster on two cores than letting both contend.
	if err := p.deps.Store.SetThreads(ctx, 1); err != nil {
		return sum, err
	}
	if err := p.learnTemplates(flowInputs); err != nil {
		return sum, err
	}
	err = p.ingestFlows(ctx, flowInputs)
	if terr := p.deps.Store.SetThreads(context.WithoutCancel(ctx), duckdb.Threads); err == nil {
		err = terr
	}
	if err != nil {
		return sum, err
	}
	t0 := time.Now()
	hours, err := p.deps.Store.Rollup(ctx)
	if err != nil {
		return sum, fmt.Errorf("rollup: %w", err)
	}
	p.logger.Debug("rolled up", "hours", hours, "took", time.Since(t0))
	// Workloads the inventory gives no role get one from their traffic, over
	// everything stored (it reads the rollup, so it comes after Rollup).
	inferred, err := roles.Infer(ctx, p.deps.Store, time.Time{}, time.Time{})
	if err != nil {
		return sum, fmt.Errorf("infer roles: %w", err)
	}
	p.logger.Debug("inferred roles", "workloads", len(inferred))
	for _, st := range append(dnsInputs, flowInputs...) {
		sum.Accepted += st.summary.Accepted
		sum.Rejected += st.summary.Rejected
		sum.Duplicates += st.summary.Duplicates
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// prepare detects st's format and reads how far an earlier run got.
func (p *Pipeline) prepare(ctx context.Context, st *fileState) error {
	st.in.path = st.summary.Path
	h, err := head(st.in.path)
	if err != nil && len(h) == 0 {
		return err
	}
	if p.cfg.Format != "" {
		st.in.format, _ = formatByName(p.cfg.Format)
	} else if f, ok := detect(h); ok {
		st.in.format = f
	} else {
		return errors.New("unknown format (give --format)")
	}
	st.summary.Format = st.in.format.name
	if st.in.size, err = fileSize(st.in.path); err != nil {
		return err
	}
	prev, ok, err := p.deps.Store.Input(ctx, st.in.path)
	if err != nil {
		return err
	}
	if !ok {
		return nil
	}
	st.summary.Accepted, st.summary.Rejected, st.summary.Duplicates = prev.Accepted, prev.Rejected, prev.Duplicates
	if prev.Done && prev.Size == st.in.size {
		st.summary.Status = "already ingested"
		return nil
	}
	st.summary.Resumed = prev.Items
	return nil
}

// ingestFlows decodes the flow inputs on p.cfg.Workers goroutines, one input each at
// a time, and writes them on this one.
func (p *Pipeline) ingestFlows(ctx context.Context, inputs []*fileState) error {
	if len(inputs) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *chunk, 32)
	free := make(chan *chunk, 64)
	todo := make(chan *fileState)
	var wg sync.WaitGroup
	for range min(p.cfg.Workers, len(inputs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enr := p.deps.NewEnricher()
			for st := range todo {
				p.decodeFile(ctx, st, enr, chunks, free)
			}
		}()
	}
	go func() {
		defer close(todo)
		for _, st := range inputs {
			select {
			case todo <- st:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(chunks) }()

	err := p.write(ctx, chunks, free)
	if err != nil {
		cancel()
		for range chunks { // let the workers finish
		}
	}
	return err
}

// write appends chunks to the store's writer and seals a batch every BatchSize
// records, with the latest progress of each input the batch holds records of. A
// second goroutine commits sealed batches, so that decoding goes on while DuckDB
// stores the previous batch.
func (p *Pipeline) write(ctx context.Context, chunks <-chan *chunk, free chan<- *chunk) error {
	w, err := p.deps.Store.NewWriter(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	type sealed struct {
		b        *duckdb.Batch
		progress []*duckdb.Progress
	}
	// One batch waits while another commits: memory stays at three batches.
	toCommit := make(chan sealed, 1)
	committed := make(chan error, 1)
	go func() {
		var err error
		for s := range toCommit {
			if err != nil {
				continue // drain: the run is failing
			}
			t0 := time.Now()
			// A cancelled run still commits what it has: ctx is for stopping early.
			if err = w.CommitBatch(context.WithoutCancel(ctx), s.b, s.progress...); err != nil {
				err = fmt.Errorf("store: %w", err)
				continue
			}
			batchSeconds.Observe(time.Since(t0).Seconds())
			flowsStored.Add(float64(s.b.Len()))
			p.logger.Debug("committed", "records", s.b.Len(), "inputs", len(s.progress), "took", time.Since(t0))
		}
		committed <- err
	}()
	pending := map[*fileState]*duckdb.Progress{}
	seal := func() {
		ps := make([]*duckdb.Progress, 0, len(pending))
		for _, pr := range pending {
			ps = append(ps, pr)
		}
		clear(pending)
		toCommit <- sealed{w.Seal(), ps}
	}
	for c := range chunks {
		// Batches are exactly BatchSize records, whole row groups: a partial one
		// would be rewritten when the next batch fills it. A chunk's progress goes
		// with the batch that holds its last record.
		last := len(c.recs) - 1
		for i := range c.recs {
			w.Append(&c.recs[i])
			if w.Len() == duckdb.BatchSize && i < last {
				// Mid-chunk: the batch leaves this input at record i. Its
				// rejects stay with the chunk's own progress.
				pr := c.progress
				a := c.at[i]
				pr.Items, pr.Accepted, pr.Rejected, pr.Duplicates, pr.Done, pr.Rejects = a.items, a.accepted, a.rejected, a.duplicates, false, nil
				if old, ok := pending[c.file]; ok {
					pr.Rejects = old.Rejects
				}
				pending[c.file] = &pr
				seal()
			}
		}
		pr := c.progress
		if old, ok := pending[c.file]; ok {
			pr.Rejects = append(old.Rejects, pr.Rejects...)
		}
		pending[c.file] = &pr
		if w.Len() == duckdb.BatchSize {
			seal()
		}
		c.recs, c.at = c.recs[:0], c.at[:0]
		select {
		case free <- c:
		default:
		}
	}
	if len(pending) > 0 || w.Len() > 0 {
		seal()
	}
	close(toCommit)
	return <-committed
}

// decodeFile reads one input and sends its records in chunks. Errors end up in the
// input's summary, never stop the run.
func (p *Pipeline) decodeFile(ctx context.Context, st *fileState, enr Enricher, chunks chan<- *chunk, free chan *chunk) {
	s := &st.summary
	rc, err := open(st.in.path)
	if err != nil {
		s.Status, s.Error = "failed", err.Error()
		return
	}
	defer rc.Close()
	newFlows := st.in.format.newFlows
	if st.newFlows != nil {
		newFlows = st.newFlows
	}
	dec := newFlows(rc, ingest.Options{Name: st.in.path, Now: p.cfg.Now()})

	items := int64(0)
	var conts continuations
	newChunk := func() *chunk {
		select {
		case c := <-free:
			return c
		default:
			return &chunk{recs: make([]flow.Record, 0, chunkSize), at: make([]position, 0, chunkSize)}
		}
	}
	c := newChunk()
	var rejects []duckdb.Reject
	var sentDup int64
	send := func(done bool) bool {
		p.records.Add(int64(len(c.recs)))
		recordsDecoded.WithLabelValues(st.in.format.name, "accepted").Add(float64(len(c.recs)))
		recordsDecoded.WithLabelValues(st.in.format.name, "duplicate").Add(float64(s.Duplicates - sentDup))
		sentDup = s.Duplicates
		if done {
			p.filesDone.Add(1)
		}
		c.file = st
		c.progress = duckdb.Progress{
			Path: st.in.path, Format: st.in.format.name, Size: st.in.size, Items: items,
			Accepted: s.Accepted, Rejected: s.Rejected, Duplicates: s.Duplicates, Done: done, Rejects: rejects,
		}
		rejects = nil
		select {
		case chunks <- c:
		case <-ctx.Done():
			return false
		}
		c = newChunk()
		return true
	}
	s.Status = "ingested"
	if s.Resumed > 0 {
		s.Status = "resumed"
	}
	var r flow.Record
	for {
		if ctx.Err() != nil {
			return
		}
		err := dec.Next(&r)
		if err == io.EOF {
			break
		}
		if err != nil {
			var re *ingest.RecordError
			if !errors.As(err, &re) {
				// The stream itself failed (truncated gzip, read error): what came
				// before it is kept, and the input is marked done with the reason.
				s.Error = err.Error()
				p.logger.Warn("input ended early", "path", st.in.path, "err", err)
				break
			}
			items++
			if items <= s.Resumed {
				continue
			}
			s.Rejected++
			p.reject(s, re, &rejects)
			continue
		}
		items++
		if items <= s.Resumed {
			// Stored by an earlier run; the connection tracker sees it again.
			enr.Enrich(&r)
			if !duplicate(&r) {
				conts.mark(&r)
			}
			continue
		}
		enr.Enrich(&r)
		if duplicate(&r) {
			s.Duplicates++
			continue
		}
		conts.mark(&r)
		s.Accepted++
		c.recs = append(c.recs, r)
		c.at = append(c.at, position{items, s.Accepted, s.Rejected, s.Duplicates})
		if len(c.recs) == chunkSize {
			if !send(false) {
				return
			}
		}
	}
	send(true)
}

func (p *Pipeline) reject(s *FileSummary, re *ingest.RecordError, rejects *[]duckdb.Reject) {
	if s.Reasons == nil {
		s.Reasons = map[string]int64{}
	}
	s.Reasons[re.Reason]++
	if len(s.Examples) < maxExamples {
		s.Examples = append(s.Examples, re.Error())
	}
	if s.Rejected <= 200 {
		*rejects = append(*rejects, duckdb.Reject{Pos: re.Pos, Unit: re.Unit, Reason: re.Reason, Detail: re.Detail})
	}
	recordsRejected.WithLabelValues(s.Format, re.Reason).Inc()
}
