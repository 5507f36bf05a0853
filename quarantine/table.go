package quarantine

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// schema is the quarantine table, in the state database. Statements keep to what
// DuckDB and PostgreSQL both accept; times are UTC, and NULL where not yet set.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS quarantines (
	id VARCHAR PRIMARY KEY,
	workload VARCHAR NOT NULL,
	state VARCHAR NOT NULL,
	reason VARCHAR NOT NULL,
	allow VARCHAR NOT NULL,
	expires TIMESTAMP,
	enforcer VARCHAR NOT NULL,
	error VARCHAR NOT NULL,
	attempts INTEGER NOT NULL,
	next_attempt TIMESTAMP,
	created_by VARCHAR NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	quarantined_at TIMESTAMP,
	released_by VARCHAR NOT NULL,
	release_reason VARCHAR NOT NULL,
	released_at TIMESTAMP)`,
	// Added after the first release of the table.
	`ALTER TABLE quarantines ADD COLUMN IF NOT EXISTS holds_since TIMESTAMP`,
}

const columns = `id, workload, state, reason, allow, expires, enforcer, error, attempts, next_attempt, created_by,
	created_at, updated_at, quarantined_at, released_by, release_reason, released_at, holds_since`

// values are q's cells in the order of columns.
func values(q *Quarantine) []any {
	allow, _ := json.Marshal(q.Allow) // a []string always encodes
	return []any{q.ID, q.Workload, q.State, q.Reason, string(allow), null(q.Expires), q.Enforcer, q.Error, q.Attempts,
		null(q.NextAttempt), q.CreatedBy, q.CreatedAt, q.UpdatedAt, null(q.QuarantinedAt), q.ReleasedBy,
		q.ReleaseReason, null(q.ReleasedAt), null(q.HoldsSince)}
}

func null(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

type scanner interface{ Scan(dest ...any) error }

func scan(s scanner) (Quarantine, error) {
	var q Quarantine
	var allow string
	var expires, next, qAt, rAt, holds sql.NullTime
	err := s.Scan(&q.ID, &q.Workload, &q.State, &q.Reason, &allow, &expires, &q.Enforcer, &q.Error, &q.Attempts, &next,
		&q.CreatedBy, &q.CreatedAt, &q.UpdatedAt, &qAt, &q.ReleasedBy, &q.ReleaseReason, &rAt, &holds)
	if err != nil {
		return q, err
	}
	if err := json.Unmarshal([]byte(allow), &q.Allow); err != nil {
		return q, fmt.Errorf("quarantine %s: allow list %q: %w", q.ID, allow, err)
	}
	q.Expires, q.NextAttempt, q.QuarantinedAt, q.ReleasedAt = utc(expires), utc(next), utc(qAt), utc(rAt)
	q.HoldsSince = utc(holds)
	q.CreatedAt, q.UpdatedAt = q.CreatedAt.UTC(), q.UpdatedAt.UTC()
	return q, nil
}

func utc(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func (m *Manager) insert(ctx context.Context, q *Quarantine) error {
	ph := strings.TrimSuffix(strings.Repeat("?, ", 18), ", ")
	if _, err := m.deps.DB.ExecContext(ctx, `INSERT INTO quarantines (`+columns+`) VALUES (`+ph+`)`, values(q)...); err != nil {
		return fmt.Errorf("insert quarantine of %s: %w", q.Workload, err)
	}
	return nil
}

// swap writes q over the row of the same id if that row is still in state from:
// a transition applies only to the state it was decided on. It reports whether
// it did.
func (m *Manager) swap(ctx context.Context, q *Quarantine, from string) (bool, error) {
	v := values(q)
	set := strings.Split(strings.ReplaceAll(columns, "\n\t", " "), ", ")
	var b strings.Builder
	for i, c := range set[1:] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = ?")
	}
	res, err := m.deps.DB.ExecContext(ctx, `UPDATE quarantines SET `+b.String()+` WHERE id = ? AND state = ?`,
		append(v[1:], q.ID, from)...)
	if err != nil {
		return false, fmt.Errorf("update quarantine %s (%s → %s): %w", q.ID, from, q.State, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("update quarantine %s: %w", q.ID, err)
	}
	return n == 1, nil
}

// Get returns the quarantine with id.
func (m *Manager) Get(ctx context.Context, id string) (Quarantine, error) {
	q, err := scan(m.deps.DB.QueryRowContext(ctx, `SELECT `+columns+` FROM quarantines WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return q, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return q, fmt.Errorf("read quarantine %s: %w", id, err)
	}
	return q, nil
}

// Filter selects quarantines; zero fields select everything.
type Filter struct {
	Workload string
	States   []string
}

// List returns the quarantines f selects, newest first.
func (m *Manager) List(ctx context.Context, f Filter) ([]Quarantine, error) {
	var where []string
	var args []any
	if f.Workload != "" {
		where = append(where, "workload = ?")
		args = append(args, f.Workload)
	}
	if len(f.States) > 0 {
		where = append(where, "state IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.States)), ", ")+")")
		for _, s := range f.States {
			args = append(args, s)
		}
	}
	q := `SELECT ` + columns + ` FROM quarantines`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := m.deps.DB.QueryContext(ctx, q+" ORDER BY created_at DESC, id", args...)
	if err != nil {
		return nil, fmt.Errorf("list quarantines: %w", err)
	}
	defer rows.Close()
	out := []Quarantine{}
	for rows.Next() {
		q, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list quarantines: %w", err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list quarantines: %w", err)
	}
	return out, nil
}

// Workload is what the inventory says of a workload, for the quarantine
// dashboard: its kind, cloud, account, region and labels.
func (m *Manager) Workload(name string) (Workload, bool) {
	if m.deps.Workloads == nil {
		return Workload{}, false
	}
	return m.deps.Workloads(name)
}
