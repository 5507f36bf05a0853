package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The hourly rollup (flows_1h) is rebuilt per hour from the raw flows: a commit
// marks the hours it touched in dirty_hours, in the same transaction, and Rollup
// redoes those hours. So the rollup holds one row per key and hour however the
// inputs arrive (late files, reruns), and a crash between the two steps leaves the
// marks for the next Rollup.

func markDirty(ctx context.Context, conn *sql.Conn, hours map[uint32]struct{}) error {
	if len(hours) == 0 {
		return nil
	}
	hs := make([]uint32, 0, len(hours))
	for h := range hours {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	return insertValues(ctx, conn, "INSERT OR IGNORE INTO dirty_hours (ts) VALUES ", 1, len(hs), func(i int, args []any) {
		args[0] = hs[i]
	})
}

var rollupInsert = func() string {
	dims := strings.Join(rollupDims, ", ")
	var sums []string
	for _, m := range rollupMeasures {
		sums = append(sums, "sum("+m+")")
	}
	return "INSERT INTO flows_1h (ts, " + dims + ", " + strings.Join(rollupMeasures, ", ") + ", records) " +
		"SELECT ts_start // 3600 * 3600, " + dims + ", " + strings.Join(sums, ", ") + ", count(*) FROM flows " +
		"WHERE ts_start // 3600 * 3600 IN (SELECT ts FROM dirty_hours) " +
		"GROUP BY ts_start // 3600 * 3600, " + dims
}()

// endpointRollupInsert builds flows_1h_ep from flows_1h, hours already summed.
var endpointRollupInsert = func() string {
	dims := strings.Join(endpointRollupDims, ", ")
	var sums []string
	for _, m := range append(rollupMeasures, "records") {
		sums = append(sums, "sum("+m+")")
	}
	return "INSERT INTO flows_1h_ep (ts, " + dims + ", " + strings.Join(rollupMeasures, ", ") + ", records) " +
		"SELECT ts, " + dims + ", " + strings.Join(sums, ", ") + " FROM flows_1h " +
		"WHERE ts IN (SELECT ts FROM dirty_hours) GROUP BY ts, " + dims
}()

// Rollup rebuilds the hourly rollup for every hour marked since the last call.
func (s *Store) Rollup(ctx context.Context) (hours int, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM dirty_hours`).Scan(&hours); err != nil || hours == 0 {
		return 0, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, q := range []string{
		`DELETE FROM flows_1h WHERE ts IN (SELECT ts FROM dirty_hours)`,
		`DELETE FROM flows_1h_ep WHERE ts IN (SELECT ts FROM dirty_hours)`,
		rollupInsert,
		endpointRollupInsert,
		`DELETE FROM dirty_hours`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("rollup: %w", err)
		}
	}
	return hours, tx.Commit()
}

// Retain deletes raw flows that started before now−raw and rollup rows before
// now−rollup (zero keeps everything).
func (s *Store) Retain(ctx context.Context, now time.Time, raw, rollup time.Duration) (deleted int64, err error) {
	if raw > 0 {
		res, err := s.db.ExecContext(ctx, `DELETE FROM flows WHERE ts_start < ?`, epoch(now.Add(-raw)))
		if err != nil {
			return 0, fmt.Errorf("retention of raw flows: %w", err)
		}
		deleted, _ = res.RowsAffected()
	}
	if rollup > 0 {
		for _, r := range rollups {
			if _, err := s.db.ExecContext(ctx, `DELETE FROM `+r.table+` WHERE ts < ?`, epoch(now.Add(-rollup))); err != nil {
				return deleted, fmt.Errorf("retention of %s: %w", r.table, err)
			}
		}
	}
	return deleted, nil
}
