package duckdb

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/weirhq/weir/ingest"
)

// AddDNS stores passive-DNS observations and the progress of the input they came
// from, in one transaction.
func (s *Store) AddDNS(ctx context.Context, obs []ingest.DNSObservation, p *Progress) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	err = insertValues(ctx, conn, "INSERT INTO dns (ts, ip, domain, ttl, source) VALUES ", 5, len(obs), func(i int, args []any) {
		o := &obs[i]
		args[0], args[1], args[2], args[3], args[4] = epoch(o.Time), o.IP.String(), o.Domain, uint32(o.TTL/time.Second), o.Source
	})
	if err == nil && p != nil {
		err = saveProgress(ctx, conn, []*Progress{p})
	}
	if err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return fmt.Errorf("store dns observations: %w", err)
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// DNS returns every stored passive-DNS observation, oldest first, for rebuilding
// the in-memory index when a process starts.
func (s *Store) DNS(ctx context.Context) ([]ingest.DNSObservation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT ts, ip, domain, ttl, source FROM dns ORDER BY ts`)
	if err != nil {
		return nil, fmt.Errorf("read dns observations: %w", err)
	}
	defer rows.Close()
	var out []ingest.DNSObservation
	for rows.Next() {
		var ts, ttl uint32
		var ip, domain, source string
		if err := rows.Scan(&ts, &ip, &domain, &ttl, &source); err != nil {
			return nil, err
		}
		a, err := netip.ParseAddr(ip)
		if err != nil {
			continue
		}
		out = append(out, ingest.DNSObservation{Time: time.Unix(int64(ts), 0).UTC(), IP: a, Domain: domain,
			TTL: time.Duration(ttl) * time.Second, Source: source})
	}
	return out, rows.Err()
}
