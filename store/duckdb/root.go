// Package duckdb is weir's embedded store: one DuckDB database file under the data
// directory holding raw flows, their hourly rollup, the dictionaries their codes
// point into, passive DNS and the progress of every input. It stores and reads; it
// does not decode, enrich or decide what a query means (package query compiles
// filters to the SQL this schema answers).
//
// An embedded database has one writer: one process opens the file at a time.
package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// FileName is the database file inside the data directory.
const FileName = "weir.duckdb"

// Store is an open embedded database.
type Store struct {
	logger *slog.Logger
	db     *sql.DB
	path   string
	dicts  map[string]*dictionary // by domain
	ips    *ipCodes
	eps    *endpointCodes
}

// Open opens (creating on first use) the database in dir.
func Open(ctx context.Context, logger *slog.Logger, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// Two threads: the machine weir is sized for, and what leaves the decoder a core.
	// A memory limit keeps `weir ingest` within its budget: the rollup and large
	// queries spill to disk rather than grow.
	db, err := sql.Open("duckdb", path+"?threads=2&preserve_insertion_order=false&memory_limit=600MB")
	if err != nil {
		return nil, fmt.Errorf("open duckdb %q: %w", path, err)
	}
	s := &Store{logger: logger.With("component", "store/duckdb"), db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if s.dicts, err = loadDictionaries(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if s.ips, err = loadIPCodes(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if s.eps, err = loadEndpoints(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	for _, q := range ddl() {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create schema in %s: %w", s.path, err)
		}
	}
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v)
	if err == sql.ErrNoRows {
		_, err = s.db.ExecContext(ctx, `INSERT INTO meta VALUES ('schema_version', ?)`, strconv.Itoa(schemaVersion))
		return err
	}
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v != strconv.Itoa(schemaVersion) {
		return fmt.Errorf("%s has schema version %s, this weir needs %d: ingest into a new --data directory", s.path, v, schemaVersion)
	}
	return nil
}

// Threads is how many threads DuckDB uses unless SetThreads says otherwise.
const Threads = 2

// SetThreads sets how many threads DuckDB uses, for every connection. Loading
// wants one (the other core decodes), queries want all.
func (s *Store) SetThreads(ctx context.Context, n int) error {
	_, err := s.db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", n))
	return err
}

// DB is the underlying database, for readers that compile their own SQL.
func (s *Store) DB() *sql.DB { return s.db }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Checkpoint writes the WAL into the database file.
func (s *Store) Checkpoint(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, "CHECKPOINT")
	return err
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }
