package state

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one write: who did what to which target, and when.
type AuditEntry struct {
	ID     int64     `json:"id"`
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // e.g. finding.status, finding.comment, finding.open
	Target string    `json:"target"` // e.g. a finding's id
	Detail string    `json:"detail"`
}

// AuditFilter selects audit entries. Zero fields select everything.
type AuditFilter struct {
	Actor, Action, Target string
	Since                 time.Time
	Limit, Offset         int // Limit defaults to, and stops at, MaxLimit
}

// Record appends an entry to the audit log, for writes other packages make
// (quarantine, users). Writes of this package record themselves.
func (s *Store) Record(ctx context.Context, actor, action, target, detail string) error {
	if actor == "" || action == "" {
		return fmt.Errorf("%w audit entry: want an actor and an action", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	defer tx.Rollback()
	if err := s.audit(ctx, tx, s.clock(), auditRow{actor, action, target, detail}); err != nil {
		return err
	}
	return tx.Commit()
}

// auditRow is an audit entry to write; the store stamps the time.
type auditRow struct{ actor, action, target, detail string }

// audit appends rows to the audit log in one statement.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, now time.Time, rows ...auditRow) error {
	for lo := 0; lo < len(rows); lo += rowsPerStatement {
		part := rows[lo:min(lo+rowsPerStatement, len(rows))]
		args := make([]any, 0, 5*len(part))
		for _, r := range part {
			args = append(args, now, r.actor, r.action, r.target, r.detail)
		}
		q := `INSERT INTO audit (created, actor, action, target, detail) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(part)), ", ")
		if _, err := tx.ExecContext(ctx, s.d.bind(q), args...); err != nil {
			return fmt.Errorf("audit %s of %s: %w", part[0].action, part[0].target, err)
		}
	}
	return nil
}

// Audit returns the entries f selects, newest first.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit < 0 || f.Limit > MaxLimit || f.Offset < 0 {
		return nil, fmt.Errorf("%w limit %d offset %d: want a limit of 1 to %d and an offset of 0 or more", ErrInvalid,
			f.Limit, f.Offset, MaxLimit)
	}
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{{"actor", f.Actor}, {"action", f.Action}, {"target", f.Target}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if !f.Since.IsZero() {
		where = append(where, "created >= ?")
		args = append(args, dbTime(f.Since))
	}
	q := "SELECT id, created, actor, action, target, detail FROM audit"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit == 0 {
		limit = MaxLimit
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d OFFSET %d", limit, f.Offset)
	rows, err := s.db.QueryContext(ctx, s.d.bind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.Time, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		e.Time = e.Time.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
