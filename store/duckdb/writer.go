package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/netip"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirhq/weir/flow"
)

// Writer appends flow records in batches. Records are turned into columns of
// integer codes as they come (Append) and land in one transaction per batch
// (Commit), together with the rollup rows and the input's progress. A Writer is
// used by one goroutine; a Store has at most one.
type Writer struct {
	s      *Store
	conn   *sql.Conn
	arrow  *duckdb.Arrow
	schema *arrow.Schema
	b      []array.Builder
	n      int
	last   []lastCode    // per column: the last string coded, to skip the map
	dicts  []*dictionary // per column: its domain's dictionary (code columns only)

	epDicts []*dictionary // per endpoint column: its dictionary
	epLast  [2][]lastCode // per side and endpoint column
	epKey   [2]epKey      // per side: the last profile coded
	epCode  [2]uint32
	seq     int
	hours   map[uint32]struct{} // hours the batch touches: their rollup is redone
	hour    uint32
	broken  error // the first failed commit
}

// lastCode remembers the last string a column saw: decoders and enrichment share
// strings, so most rows repeat the previous row's pointer and the map is skipped.
type lastCode struct {
	p    *byte
	n    int
	code uint32
}

// NewWriter opens the Store's writer on its own connection.
func (s *Store) NewWriter(ctx context.Context) (*Writer, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("open writer connection: %w", err)
	}
	w := &Writer{s: s, conn: conn, last: make([]lastCode, len(flowColumns)), hours: map[uint32]struct{}{},
		dicts: make([]*dictionary, len(flowColumns))}
	for i, c := range flowColumns {
		if c.kind == kCode {
			w.dicts[i] = s.dicts[domainOf(c.name)]
		}
	}
	w.epDicts = make([]*dictionary, len(endpointColumns))
	for i, c := range endpointColumns {
		if c.kind == kCode {
			w.epDicts[i] = s.dicts[c.name]
		}
	}
	w.epLast = [2][]lastCode{make([]lastCode, len(endpointColumns)), make([]lastCode, len(endpointColumns))}
	err = conn.Raw(func(dc any) error {
		a, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		w.arrow = a
		return err
	})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("open arrow interface: %w", err)
	}
	fields := make([]arrow.Field, len(flowColumns))
	for i, c := range flowColumns {
		fields[i] = arrow.Field{Name: c.name, Type: arrowType(c.kind)}
	}
	w.schema = arrow.NewSchema(fields, nil)
	w.b = make([]array.Builder, len(flowColumns))
	for i := range flowColumns {
		w.b[i] = array.NewBuilder(memory.DefaultAllocator, fields[i].Type)
	}
	return w, nil
}

func arrowType(kind int) arrow.DataType {
	switch kind {
	case kU8:
		return arrow.PrimitiveTypes.Uint8
	case kU16:
		return arrow.PrimitiveTypes.Uint16
	case kU64:
		return arrow.PrimitiveTypes.Uint64
	case kBool:
		return arrow.FixedWidthTypes.Boolean
	}
	return arrow.PrimitiveTypes.Uint32
}

// Len is the number of records appended since the last Commit.
func (w *Writer) Len() int { return w.n }

// Append adds r to the current batch.
func (w *Writer) Append(r *flow.Record) {
	i := 0
	u8 := func(v uint8) { w.b[i].(*array.Uint8Builder).Append(v); i++ }
	u16 := func(v uint16) { w.b[i].(*array.Uint16Builder).Append(v); i++ }
	u32 := func(v uint32) { w.b[i].(*array.Uint32Builder).Append(v); i++ }
	u64 := func(v uint64) { w.b[i].(*array.Uint64Builder).Append(v); i++ }
	str := func(s string) { w.b[i].(*array.Uint32Builder).Append(w.code(i, s)); i++ }

	start := epoch(r.Start)
	if h := start / 3600 * 3600; h != w.hour || len(w.hours) == 0 {
		w.hour = h
		w.hours[h] = struct{}{}
	}
	u32(start)
	u32(epoch(r.End))
	u32(w.s.ips.code(r.SrcIP))
	u32(w.s.ips.code(r.DstIP))
	u16(r.SrcPort)
	u16(r.DstPort)
	u8(r.Proto)
	u16(r.TCPFlags)
	u64(r.Bytes)
	u64(r.BytesRev)
	u64(r.Packets)
	u64(r.PacketsRev)
	u32(r.Flows)
	u8(uint8(r.Action))
	u8(uint8(r.Direction))
	u8(uint8(r.Reporter))
	str(r.Format)
	str(r.Exporter)
	str(r.Cloud)
	str(r.Account)
	str(r.Region)
	str(r.VPC)
	str(r.Service)
	u16(r.ServicePort)
	w.b[i].(*array.BooleanBuilder).Append(r.Answer)
	i++
	u8(uint8(r.ServiceRisk))
	str(r.ServiceCategory)
	str(r.Category)
	str(r.LLMProvider)
	w.b[i].(*array.BooleanBuilder).Append(r.LLMSanctioned)
	i++
	u32(w.endpoint(0, &r.Src))
	u32(w.endpoint(1, &r.Dst))
	w.n++
}

func (w *Writer) code(col int, s string) uint32 {
	return codeOf(&w.last[col], w.dicts[col], s)
}

func codeOf(l *lastCode, d *dictionary, s string) uint32 {
	if s == "" {
		return 0
	}
	p := unsafe.StringData(s)
	if l.p == p && l.n == len(s) {
		return l.code
	}
	c := d.code(s)
	*l = lastCode{p: p, n: len(s), code: c}
	return c
}

// endpoint codes one side's profile (side 0 src, 1 dst).
func (w *Writer) endpoint(side int, sd *flow.Side) uint32 {
	var k epKey
	str := func(i int, s string) { k[i] = codeOf(&w.epLast[side][i], w.epDicts[i], s) }
	str(0, sd.Instance)
	str(1, sd.Workload)
	str(2, sd.Kind)
	str(3, sd.Role)
	str(4, sd.App)
	str(5, sd.Env)
	str(6, sd.Loc)
	str(7, sd.Zone)
	str(8, sd.Region)
	str(9, sd.Country)
	k[10] = sd.ASN
	str(11, sd.ASName)
	str(12, sd.Domain)
	str(13, sd.Threat.Feeds)
	str(14, sd.Threat.Category)
	k[15] = uint32(sd.Threat.Confidence)
	if k == w.epKey[side] {
		return w.epCode[side]
	}
	c := w.s.eps.code(&k)
	w.epKey[side], w.epCode[side] = k, c
	return c
}

func epoch(t time.Time) uint32 {
	s := t.Unix()
	if s < 0 {
		return 0
	}
	return uint32(s)
}

// Progress is what a Commit records about the input the batch came from.
type Progress struct {
	Path       string
	Format     string
	Size       int64
	Items      int64 // decoder results consumed so far (records and rejects)
	Accepted   int64
	Rejected   int64
	Duplicates int64
	Done       bool
	Rejects    []Reject // new since the last commit; at most a few hundred are kept per input
}

// Reject is one rejected record, kept for the ingest summary.
type Reject struct {
	Pos    int64
	Unit   string
	Reason string
	Detail string
}

// BatchSize is the number of records a caller should gather before Commit: two of
// DuckDB's row groups, so that the insert is written straight to the database file,
// compressed, instead of through the write-ahead log.
const BatchSize = 2 * 122_880

// Batch is a sealed batch: the records appended since the last Seal, as Arrow
// columns, and the dictionary entries and hours they need. Committing it touches
// only the database, so a caller can commit one Batch on another goroutine while it
// appends the next.
type Batch struct {
	rec      arrow.RecordBatch
	n        int
	dict     []dictEntry
	ips      []netip.Addr
	ipsFirst uint32
	eps      []epKey
	epsFirst uint32
	hours    map[uint32]struct{}
}

type dictEntry struct {
	domain string
	id     uint32
	s      string
}

// Len is the number of records in the batch.
func (b *Batch) Len() int { return b.n }

// Seal ends the current batch and starts a new one.
func (w *Writer) Seal() *Batch {
	cols := make([]arrow.Array, len(w.b))
	for i, b := range w.b {
		cols[i] = b.NewArray()
	}
	b := &Batch{rec: array.NewRecordBatch(w.schema, cols, int64(w.n)), n: w.n, hours: w.hours}
	for _, c := range cols {
		c.Release()
	}
	for _, d := range w.s.dicts {
		strs, first := d.take()
		for i, str := range strs {
			b.dict = append(b.dict, dictEntry{d.domain, first + uint32(i), str})
		}
	}
	b.ips, b.ipsFirst = w.s.ips.take()
	b.eps, b.epsFirst = w.s.eps.take()
	w.n = 0
	w.hours = map[uint32]struct{}{}
	for i := range w.last {
		w.last[i] = lastCode{}
	}
	for side := range w.epLast {
		clear(w.epLast[side])
	}
	w.epKey, w.epCode = [2]epKey{}, [2]uint32{}
	return b
}

// Commit seals the current batch and commits it with the progress of the inputs it
// came from.
func (w *Writer) Commit(ctx context.Context, progress ...*Progress) error {
	return w.CommitBatch(ctx, w.Seal(), progress...)
}

// CommitBatch stores b and the progress of the inputs it came from in one
// transaction, and marks the hours it touched for Rollup. After an error nothing of
// b is stored and the Writer refuses further commits: the codes it handed out may
// not be in the database, so the caller must stop (a rerun resumes from what was
// committed). CommitBatch may run concurrently with Append and Seal, but commits
// must come in the order of their Seals.
//
// DuckDB's Arrow scan (duckdb-go v2.10506.0) reads the wrong columns when the
// optimizer prunes or filters them, so batches are read from Arrow only with
// SELECT * (TestWriterCommitsFlowsRollupAndProgress guards it).
func (w *Writer) CommitBatch(ctx context.Context, b *Batch, progress ...*Progress) (err error) {
	defer b.rec.Release()
	if w.broken != nil {
		return fmt.Errorf("an earlier commit failed: %w", w.broken)
	}
	if _, err := w.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			w.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			w.broken = err
		}
	}()
	if err := w.insertDict(ctx, b); err != nil {
		return err
	}
	if b.n > 0 {
		if err := w.insertFrom(ctx, w.schema, b.rec, "INSERT INTO flows SELECT * FROM %s"); err != nil {
			return fmt.Errorf("insert flows: %w", err)
		}
	}
	if err := markDirty(ctx, w.conn, b.hours); err != nil {
		return err
	}
	if err := saveProgress(ctx, w.conn, progress); err != nil {
		return err
	}
	if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

var (
	endpointSchema = func() *arrow.Schema {
		fs := []arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Uint32}}
		for _, c := range endpointColumns {
			fs = append(fs, arrow.Field{Name: c.name, Type: arrowType(c.kind)})
		}
		return arrow.NewSchema(fs, nil)
	}()
	dictSchema = arrow.NewSchema([]arrow.Field{{Name: "domain", Type: arrow.BinaryTypes.String},
		{Name: "id", Type: arrow.PrimitiveTypes.Uint32},
		{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	ipsSchema = arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Uint32},
		{Name: "ip", Type: arrow.BinaryTypes.String}, {Name: "hi", Type: arrow.PrimitiveTypes.Uint64},
		{Name: "lo", Type: arrow.PrimitiveTypes.Uint64}}, nil)
)

// insertDict stores the dictionary entries and addresses b's records need, through
// Arrow as well: a busy hour brings tens of thousands of new addresses.
func (w *Writer) insertDict(ctx context.Context, b *Batch) error {
	if len(b.dict) > 0 {
		doms := array.NewStringBuilder(memory.DefaultAllocator)
		ids := array.NewUint32Builder(memory.DefaultAllocator)
		ss := array.NewStringBuilder(memory.DefaultAllocator)
		for _, e := range b.dict {
			doms.Append(e.domain)
			ids.Append(e.id)
			ss.Append(e.s)
		}
		rec := array.NewRecordBatch(dictSchema, []arrow.Array{doms.NewArray(), ids.NewArray(), ss.NewArray()}, int64(len(b.dict)))
		defer rec.Release()
		if err := w.insertFrom(ctx, dictSchema, rec, "INSERT INTO dict SELECT * FROM %s"); err != nil {
			return fmt.Errorf("insert dictionary: %w", err)
		}
	}
	if len(b.eps) > 0 {
		cols := make([]arrow.Array, len(endpointSchema.Fields()))
		ids := array.NewUint32Builder(memory.DefaultAllocator)
		for i := range b.eps {
			ids.Append(b.epsFirst + uint32(i))
		}
		cols[0] = ids.NewArray()
		for j, c := range endpointColumns {
			if c.kind == kU8 {
				bu := array.NewUint8Builder(memory.DefaultAllocator)
				for _, k := range b.eps {
					bu.Append(uint8(k[j]))
				}
				cols[j+1] = bu.NewArray()
				continue
			}
			bu := array.NewUint32Builder(memory.DefaultAllocator)
			for _, k := range b.eps {
				bu.Append(k[j])
			}
			cols[j+1] = bu.NewArray()
		}
		rec := array.NewRecordBatch(endpointSchema, cols, int64(len(b.eps)))
		defer rec.Release()
		if err := w.insertFrom(ctx, endpointSchema, rec, "INSERT INTO endpoints BY NAME SELECT * FROM %s"); err != nil {
			return fmt.Errorf("insert endpoints: %w", err)
		}
	}
	if len(b.ips) > 0 {
		ids := array.NewUint32Builder(memory.DefaultAllocator)
		txt := array.NewStringBuilder(memory.DefaultAllocator)
		his := array.NewUint64Builder(memory.DefaultAllocator)
		los := array.NewUint64Builder(memory.DefaultAllocator)
		for i, a := range b.ips {
			hi, lo := Split(a)
			ids.Append(b.ipsFirst + uint32(i))
			txt.Append(a.String())
			his.Append(hi)
			los.Append(lo)
		}
		rec := array.NewRecordBatch(ipsSchema, []arrow.Array{ids.NewArray(), txt.NewArray(), his.NewArray(), los.NewArray()}, int64(len(b.ips)))
		defer rec.Release()
		if err := w.insertFrom(ctx, ipsSchema, rec, "INSERT INTO ips SELECT * FROM %s"); err != nil {
			return fmt.Errorf("insert ips: %w", err)
		}
	}
	return nil
}

// insertFrom exposes rec as a view and runs query (with %s for the view's name).
func (w *Writer) insertFrom(ctx context.Context, schema *arrow.Schema, rec arrow.RecordBatch, query string) error {
	reader, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		return err
	}
	defer reader.Release()
	w.seq++
	name := fmt.Sprintf("weir_batch_%d", w.seq)
	release, err := w.arrow.RegisterView(reader, name)
	if err != nil {
		return err
	}
	defer release()
	if _, err := w.conn.ExecContext(ctx, fmt.Sprintf(query, name)); err != nil {
		return err
	}
	_, err = w.conn.ExecContext(ctx, "DROP VIEW IF EXISTS "+name)
	return err
}

// Close releases the writer's connection; an uncommitted batch is dropped.
func (w *Writer) Close() error {
	for _, b := range w.b {
		b.Release()
	}
	return w.conn.Close()
}
