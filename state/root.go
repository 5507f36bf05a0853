// Package state keeps what analysts work on: findings with their status and
// comments, and the audit log every write appends to (DESIGN §7, §10). It lives in
// the same database as the flows by default (an embedded DuckDB file has one
// writer process) but in its own tables, over database/sql with a narrow SQL
// dialect seam so that PostgreSQL can take it over at scale-out.
//
// It stores and reads; it does not run detectors (package hunt), decide what is
// suppressed (package hunt) or serve HTTP (package api).
package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Statuses of a finding.
const (
	StatusOpen          = "open"
	StatusAcknowledged  = "acknowledged"
	StatusResolved      = "resolved"
	StatusFalsePositive = "false_positive"
)

// Statuses lists every status, in workflow order.
var Statuses = []string{StatusOpen, StatusAcknowledged, StatusResolved, StatusFalsePositive}

// Errors the Store returns; callers check them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
)

// DefaultReopenWithin is how long after a finding is resolved its behaviour may
// come back and reopen it; later, it is a new finding (see Upsert).
const DefaultReopenWithin = 7 * 24 * time.Hour

// Store is the state store. Its methods may be called concurrently; writes are
// serialised in the process, because DuckDB's optimistic concurrency would fail
// one of two transactions that touch the same finding.
type Store struct {
	db           *sql.DB
	d            Dialect
	now          func() time.Time
	reopenWithin time.Duration
	mu           sync.Mutex // held by every write
}

// Option changes how Open sets up a Store.
type Option func(*Store)

// WithDialect sets the SQL dialect (default DuckDB).
func WithDialect(d Dialect) Option { return func(s *Store) { s.d = d } }

// WithClock sets the clock that stamps status changes, comments and audit rows
// (default time.Now). Upsert takes its time from the caller.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithReopenWithin sets how long after its resolution a finding reopens rather
// than starting a new one (default DefaultReopenWithin).
func WithReopenWithin(d time.Duration) Option { return func(s *Store) { s.reopenWithin = d } }

// Open returns the state store in db, creating its tables on first use.
func Open(ctx context.Context, db *sql.DB, opts ...Option) (*Store, error) {
	s := &Store{db: db, d: DuckDB, now: time.Now, reopenWithin: DefaultReopenWithin}
	for _, o := range opts {
		o(s)
	}
	for _, q := range s.d.schema() {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("create state schema (%s): %w", firstLine(q), err)
		}
	}
	return s, nil
}

// clock is the store's time, in UTC at the database's precision (microseconds),
// so that what is written reads back equal.
func (s *Store) clock() time.Time { return dbTime(s.now()) }

func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func firstLine(q string) string {
	for i := range len(q) {
		if q[i] == '(' || q[i] == '\n' {
			return q[:i]
		}
	}
	return q
}
