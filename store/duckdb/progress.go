package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// maxRejectsKept bounds the rejected records remembered per input: a file of
// garbage is summarised by its counts, not copied into the database.
const maxRejectsKept = 200

func saveProgress(ctx context.Context, conn *sql.Conn, ps []*Progress) error {
	if len(ps) == 0 {
		return nil
	}
	now := time.Now().UTC()
	err := insertValues(ctx, conn, `INSERT OR REPLACE INTO inputs
		(path, format, size, items, accepted, rejected, duplicates, done, updated) VALUES `, 9, len(ps), func(i int, args []any) {
		p := ps[i]
		args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8] =
			p.Path, p.Format, p.Size, p.Items, p.Accepted, p.Rejected, p.Duplicates, p.Done, now
	})
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	for _, p := range ps {
		if err := saveRejects(ctx, conn, p); err != nil {
			return err
		}
	}
	return nil
}

func saveRejects(ctx context.Context, conn *sql.Conn, p *Progress) error {
	if len(p.Rejects) == 0 {
		return nil
	}
	var kept int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM rejects WHERE path = ?`, p.Path).Scan(&kept); err != nil {
		return fmt.Errorf("count rejects of %s: %w", p.Path, err)
	}
	rs := p.Rejects
	if room := maxRejectsKept - kept; room < len(rs) {
		rs = rs[:max(room, 0)]
	}
	if len(rs) == 0 {
		return nil
	}
	return insertValues(ctx, conn, "INSERT INTO rejects (path, pos, unit, reason, detail) VALUES ", 5, len(rs), func(i int, args []any) {
		args[0], args[1], args[2], args[3], args[4] = p.Path, rs[i].Pos, rs[i].Unit, rs[i].Reason, rs[i].Detail
	})
}

// Input is what the store remembers of one input.
type Input struct {
	Path                                  string
	Format                                string
	Size                                  int64
	Items, Accepted, Rejected, Duplicates int64
	Done                                  bool
}

// Input returns what was recorded for path, or ok false when it was never ingested.
func (s *Store) Input(ctx context.Context, path string) (in Input, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT path, format, size, items, accepted, rejected, duplicates, done
		FROM inputs WHERE path = ?`, path).
		Scan(&in.Path, &in.Format, &in.Size, &in.Items, &in.Accepted, &in.Rejected, &in.Duplicates, &in.Done)
	if errors.Is(err, sql.ErrNoRows) {
		return Input{}, false, nil
	}
	if err != nil {
		return Input{}, false, fmt.Errorf("read progress of %s: %w", path, err)
	}
	return in, true, nil
}

// Rejects returns the rejected records kept for path.
func (s *Store) Rejects(ctx context.Context, path string) ([]Reject, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT pos, unit, reason, detail FROM rejects WHERE path = ? ORDER BY pos`, path)
	if err != nil {
		return nil, fmt.Errorf("read rejects of %s: %w", path, err)
	}
	defer rows.Close()
	var out []Reject
	for rows.Next() {
		var r Reject
		if err := rows.Scan(&r.Pos, &r.Unit, &r.Reason, &r.Detail); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
