package duckdb

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
	"sync"
)

// dictionary maps one domain's strings to the codes stored in flows. The writer
// owns it: codes are assigned in memory and the new entries are inserted in the same
// transaction as the rows that use them, so a crash never leaves a row with a
// dangling code.
type dictionary struct {
	domain  string
	ids     map[string]uint32
	next    uint32
	pending []string // assigned since the last take, in code order

	// names turns codes back into strings for queries, which read it while the
	// writer adds to it: ids and pending are the writer's alone.
	mu    sync.RWMutex
	names []string
}

// learn records that id stands for s.
func (d *dictionary) learn(s string, id uint32) {
	d.ids[s] = id
	d.mu.Lock()
	for uint32(len(d.names)) <= id {
		d.names = append(d.names, "")
	}
	d.names[id] = s
	d.mu.Unlock()
}

// name is the string code id stands for ("" for an unknown code).
func (d *dictionary) name(id uint32) string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if id < uint32(len(d.names)) {
		return d.names[id]
	}
	return ""
}

// domainOf is the code space of a column: its name without the side.
func domainOf(col string) string {
	return strings.TrimPrefix(strings.TrimPrefix(col, "src_"), "dst_")
}

// loadDictionaries reads every domain's codes.
func loadDictionaries(ctx context.Context, db *sql.DB) (map[string]*dictionary, error) {
	ds := map[string]*dictionary{}
	for _, c := range append(append([]column{}, flowColumns...), endpointColumns...) {
		if c.kind == kCode {
			d := domainOf(c.name)
			ds[d] = &dictionary{domain: d, ids: map[string]uint32{"": 0}, next: 1}
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT domain, id, s FROM dict`)
	if err != nil {
		return nil, fmt.Errorf("load dictionary: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dom, s string
		var id uint32
		if err := rows.Scan(&dom, &id, &s); err != nil {
			return nil, fmt.Errorf("load dictionary: %w", err)
		}
		d := ds[dom]
		if d == nil {
			continue // a domain this version no longer stores
		}
		d.learn(s, id)
		if id >= d.next {
			d.next = id + 1
		}
	}
	return ds, rows.Err()
}

func (d *dictionary) code(s string) uint32 {
	if id, ok := d.ids[s]; ok {
		return id
	}
	id := d.next
	d.next++
	d.learn(s, id)
	d.pending = append(d.pending, s)
	return id
}

// take hands over the entries assigned since the last take, with the first one's
// code, for the batch that uses them.
func (d *dictionary) take() ([]string, uint32) {
	p := d.pending
	d.pending = nil
	return p, d.next - uint32(len(p))
}

// ipCodes maps addresses to the codes stored in flows, like dictionary.
type ipCodes struct {
	ids     map[netip.Addr]uint32
	next    uint32
	pending []netip.Addr

	mu    sync.RWMutex
	addrs []netip.Addr // by code, for queries
}

func (c *ipCodes) learn(a netip.Addr, id uint32) {
	c.ids[a] = id
	c.mu.Lock()
	for uint32(len(c.addrs)) <= id {
		c.addrs = append(c.addrs, netip.Addr{})
	}
	c.addrs[id] = a
	c.mu.Unlock()
}

// addr is the address code id stands for.
func (c *ipCodes) addr(id uint32) netip.Addr {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if id < uint32(len(c.addrs)) {
		return c.addrs[id]
	}
	return netip.Addr{}
}

func loadIPCodes(ctx context.Context, db *sql.DB) (*ipCodes, error) {
	c := &ipCodes{ids: map[netip.Addr]uint32{}, next: 1}
	rows, err := db.QueryContext(ctx, `SELECT id, ip FROM ips`)
	if err != nil {
		return nil, fmt.Errorf("load ips: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uint32
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, fmt.Errorf("load ips: %w", err)
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("load ips: id %d: %w", id, err)
		}
		c.learn(a, id)
		if id >= c.next {
			c.next = id + 1
		}
	}
	return c, rows.Err()
}

// code 0 stands for no address (a record without one is rejected by decoders, but
// the store does not rely on it).
func (c *ipCodes) code(a netip.Addr) uint32 {
	if !a.IsValid() {
		return 0
	}
	if id, ok := c.ids[a]; ok {
		return id
	}
	id := c.next
	c.next++
	c.learn(a, id)
	c.pending = append(c.pending, a)
	return id
}

func (c *ipCodes) take() ([]netip.Addr, uint32) {
	p := c.pending
	c.pending = nil
	return p, c.next - uint32(len(p))
}

// Split returns the two 64-bit halves of a as an IPv6 address (IPv4 mapped into
// ::ffff:0:0/96), the form the ips table and the filter compiler share.
func Split(a netip.Addr) (hi, lo uint64) {
	b := a.As16()
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}

// insertValues runs multi-row INSERTs of n rows with width placeholders each, in
// chunks, so that thousands of new entries cost a few statements.
func insertValues(ctx context.Context, conn *sql.Conn, prefix string, width, n int, fill func(i int, args []any)) error {
	const chunk = 500
	row := "(" + placeholders(width) + ")"
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		q := make([]byte, 0, len(prefix)+(end-start)*(len(row)+2))
		q = append(q, prefix...)
		args := make([]any, 0, (end-start)*width)
		for i := start; i < end; i++ {
			if i > start {
				q = append(q, ", "...)
			}
			q = append(q, row...)
			one := make([]any, width)
			fill(i, one)
			args = append(args, one...)
		}
		if _, err := conn.ExecContext(ctx, string(q), args...); err != nil {
			return err
		}
	}
	return nil
}

func placeholders(n int) string {
	b := make([]byte, 0, 3*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}

// epKey is an endpoint's attributes as stored: codes, the ASN and the confidence,
// in the order of endpointColumns.
type epKey [16]uint32

// endpointCodes maps endpoint profiles to the codes flows hold, like dictionary.
// Code 0 is the profile with nothing known, which migrate inserts.
type endpointCodes struct {
	ids     map[epKey]uint32
	next    uint32
	pending []epKey
}

func loadEndpoints(ctx context.Context, db *sql.DB) (*endpointCodes, error) {
	e := &endpointCodes{ids: map[epKey]uint32{{}: 0}, next: 1}
	var cols strings.Builder
	for _, c := range endpointColumns {
		cols.WriteString(", " + c.name)
	}
	rows, err := db.QueryContext(ctx, "SELECT id"+cols.String()+", role_inferred FROM endpoints")
	if err != nil {
		return nil, fmt.Errorf("load endpoints: %w", err)
	}
	defer rows.Close()
	var k epKey
	var inferred bool
	dest := []any{new(uint32)}
	for i := range k {
		dest = append(dest, &k[i])
	}
	dest = append(dest, &inferred)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("load endpoints: %w", err)
		}
		if inferred {
			// Keyed by what enrichment gives (no role), so that the endpoint's new
			// flows keep pointing at it and show the inferred role.
			k[3] = 0
		}
		id := *dest[0].(*uint32)
		e.ids[k] = id
		if id >= e.next {
			e.next = id + 1
		}
	}
	return e, rows.Err()
}

func (e *endpointCodes) code(k *epKey) uint32 {
	if id, ok := e.ids[*k]; ok {
		return id
	}
	id := e.next
	e.next++
	e.ids[*k] = id
	e.pending = append(e.pending, *k)
	return id
}

func (e *endpointCodes) take() ([]epKey, uint32) {
	p := e.pending
	e.pending = nil
	return p, e.next - uint32(len(p))
}
