package state

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/detect"
)

// HuntActor is who the audit log names for what hunts write.
const HuntActor = "hunt"

// current is what Upsert needs of a key's latest finding.
type current struct {
	id                  string
	status              string
	statusAt            time.Time
	firstSeen, lastSeen time.Time
	rank                int
	rows                int // findings with this key, for the next one's id
}

// change is one stored finding's update.
type change struct {
	f      *detect.Finding // merged with the stored times and severity
	fresh  bool            // f saw activity at least as recent as what is stored: its content replaces the stored
	reopen bool
}

// Upsert records a hunt's findings at time now. For each finding, by its Key:
//
//   - an open or acknowledged finding with the key is updated: first_seen is the
//     earlier, last_seen the later, severity never falls; when the hunt saw
//     activity at least as recent as what is stored, its title, score, entities,
//     evidence (counts, bytes) and summary replace the stored ones;
//   - a resolved or false_positive finding with the key is left alone when the
//     hunt saw nothing after its resolution (the analyst already judged that
//     activity); it is reopened (status open again, same id and comments) when the
//     behaviour went on after the resolution and began no later than the reopen
//     horizon after it (WithReopenWithin, default 7 days); a behaviour that comes
//     back later than that is a new incident and gets a new finding;
//   - otherwise a new open finding is created with id detect.IDOf(key) (the n-th
//     finding of a key gets the id of key#n).
//
// Findings of one call with the same key are merged first by the same rules. It
// sets each finding's ID to the finding it went to. Reopened findings count as
// opened. Opened and reopened findings get an audit row each; updates one row in
// all. Every statement carries many rows: DuckDB gives each INSERT of a
// transaction its own buffers, so row-at-a-time writes would not scale.
func (s *Store) Upsert(ctx context.Context, fs []detect.Finding, now time.Time) (opened, updated int, err error) {
	if len(fs) == 0 {
		return 0, 0, nil
	}
	now = dbTime(now)
	byKey := map[string]*detect.Finding{}
	var keys []string
	for i := range fs {
		f := &fs[i]
		if f.Key == "" {
			return 0, 0, fmt.Errorf("upsert finding %q of %s: no key", f.Title, f.Detector)
		}
		normalize(f)
		if m, ok := byKey[f.Key]; ok {
			merge(m, f)
			continue
		}
		m := *f
		byKey[f.Key] = &m
		keys = append(keys, f.Key)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("upsert findings: %w", err)
	}
	defer tx.Rollback()
	cur, err := s.latest(ctx, tx, keys)
	if err != nil {
		return 0, 0, err
	}
	var inserts []*detect.Finding
	var changes []change
	var audits []auditRow
	var updatedIDs []string
	for _, key := range keys {
		f := byKey[key]
		c, ok := cur[key]
		switch {
		case ok && (c.status == StatusOpen || c.status == StatusAcknowledged):
			f.ID = c.id
			changes = append(changes, c.absorb(f, false))
			updatedIDs = append(updatedIDs, c.id)
			updated++
		case ok && !f.LastSeen.After(c.statusAt):
			f.ID = c.id // already judged
		case ok && !f.FirstSeen.After(c.statusAt.Add(s.reopenWithin)):
			f.ID = c.id
			detail := fmt.Sprintf("was %s since %s; activity until %s", c.status, c.statusAt.Format(time.RFC3339),
				f.LastSeen.Format(time.RFC3339))
			changes = append(changes, c.absorb(f, true))
			audits = append(audits, auditRow{HuntActor, "finding.reopen", c.id, detail})
			opened++
		default:
			f.ID = detect.IDOf(key)
			if ok {
				f.ID = detect.IDOf(key + "#" + strconv.Itoa(c.rows+1))
			}
			inserts = append(inserts, f)
			audits = append(audits, auditRow{HuntActor, "finding.open", f.ID, fmt.Sprintf("%s %d %s", f.Severity, f.Score, f.Title)})
			opened++
		}
	}
	if updated > 0 {
		audits = append(audits, auditRow{HuntActor, "finding.update", "findings", summariseIDs(updatedIDs)})
	}
	if err := s.insertFindings(ctx, tx, inserts, now); err != nil {
		return 0, 0, err
	}
	if err := s.updateFindings(ctx, tx, changes, now); err != nil {
		return 0, 0, err
	}
	if err := s.audit(ctx, tx, now, audits...); err != nil {
		return 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("upsert findings: commit: %w", err)
	}
	for i := range fs {
		fs[i].ID = byKey[fs[i].Key].ID
	}
	return opened, updated, nil
}

// merge folds b into a: the wider times, the higher severity, and the content of
// the one that saw the later activity.
func merge(a, b *detect.Finding) {
	first, last := a.FirstSeen, a.LastSeen
	rank := max(severityRank(a.Severity), severityRank(b.Severity))
	if !b.LastSeen.Before(a.LastSeen) {
		*a = *b
	}
	a.FirstSeen, a.LastSeen = minTime(first, b.FirstSeen), maxTime(last, b.LastSeen)
	a.Severity = severities[rank]
}

// absorb is the change that merges f into the stored finding c.
func (c *current) absorb(f *detect.Finding, reopen bool) change {
	fresh := !f.LastSeen.Before(c.lastSeen)
	f.FirstSeen, f.LastSeen = minTime(c.firstSeen, f.FirstSeen), maxTime(c.lastSeen, f.LastSeen)
	f.Severity = severities[max(c.rank, severityRank(f.Severity))]
	return change{f: f, fresh: fresh, reopen: reopen}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// latest reads, for each key, its most recent finding.
func (s *Store) latest(ctx context.Context, tx *sql.Tx, keys []string) (map[string]*current, error) {
	out := map[string]*current{}
	created := map[string]time.Time{}
	const chunk = 500
	for lo := 0; lo < len(keys); lo += chunk {
		part := keys[lo:min(lo+chunk, len(keys))]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		q := `SELECT key, id, status, status_at, first_seen, last_seen, severity_rank, created FROM findings WHERE key IN (` +
			strings.TrimSuffix(strings.Repeat("?,", len(part)), ",") + `)`
		rows, err := tx.QueryContext(ctx, s.d.bind(q), args...)
		if err != nil {
			return nil, fmt.Errorf("read findings by key: %w", err)
		}
		for rows.Next() {
			var key string
			var c current
			var at time.Time
			if err := rows.Scan(&key, &c.id, &c.status, &c.statusAt, &c.firstSeen, &c.lastSeen, &c.rank, &at); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read findings by key: %w", err)
			}
			c.statusAt, c.firstSeen, c.lastSeen = c.statusAt.UTC(), c.firstSeen.UTC(), c.lastSeen.UTC()
			c.rows = 1
			if prev, seen := out[key]; seen {
				c.rows = prev.rows + 1
				if at.Before(created[key]) || (at.Equal(created[key]) && c.id < prev.id) {
					prev.rows = c.rows
					continue
				}
			}
			out[key], created[key] = &c, at
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read findings by key: %w", err)
		}
	}
	return out, nil
}

// rowsPerStatement bounds a multi-row statement's bind parameters (a few
// thousand: what PostgreSQL and the driver take comfortably).
const rowsPerStatement = 100

func (s *Store) insertFindings(ctx context.Context, tx *sql.Tx, fs []*detect.Finding, now time.Time) error {
	const cols = 20
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	for lo := 0; lo < len(fs); lo += rowsPerStatement {
		part := fs[lo:min(lo+rowsPerStatement, len(fs))]
		args := make([]any, 0, cols*len(part))
		for _, f := range part {
			e, err := encode(f)
			if err != nil {
				return err
			}
			args = append(args, f.ID, f.Key, f.Detector, f.Title, e.tactics, e.techniques, f.Severity, severityRank(f.Severity),
				f.Score, f.FirstSeen, f.LastSeen, e.entities, e.evidence, f.Summary, StatusOpen, now, HuntActor, now, now, 1)
		}
		q := `INSERT INTO findings (id, key, detector, title, tactics, techniques, severity, severity_rank, score,
			first_seen, last_seen, entities, evidence, summary, status, status_at, status_by, created, updated, hunts)
			VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", len(part)), ", ")
		if _, err := tx.ExecContext(ctx, s.d.bind(q), args...); err != nil {
			return fmt.Errorf("insert %d findings (first %s): %w", len(part), part[0].Key, err)
		}
	}
	return nil
}

// updateFindings applies changes, many per statement: UPDATE … FROM (VALUES …)
// with typed values, which DuckDB and PostgreSQL both read.
func (s *Store) updateFindings(ctx context.Context, tx *sql.Tx, cs []change, now time.Time) error {
	ts, js := s.d.Timestamp, s.d.JSON
	row := "(CAST(? AS VARCHAR), CAST(? AS " + ts + "), CAST(? AS " + ts + "), CAST(? AS VARCHAR), CAST(? AS INTEGER), " +
		"CAST(? AS BOOLEAN), CAST(? AS VARCHAR), CAST(? AS " + js + "), CAST(? AS " + js + "), CAST(? AS INTEGER), " +
		"CAST(? AS " + js + "), CAST(? AS " + js + "), CAST(? AS VARCHAR), CAST(? AS BOOLEAN))"
	fresh := func(col string) string {
		return col + " = CASE WHEN v.fresh THEN v." + col + " ELSE findings." + col + " END"
	}
	reopen := func(col, to string) string {
		return col + " = CASE WHEN v.reopen THEN " + to + " ELSE findings." + col + " END"
	}
	set := strings.Join([]string{"first_seen = v.first_seen", "last_seen = v.last_seen", "severity = v.severity",
		"severity_rank = v.severity_rank", "updated = CAST(? AS " + ts + ")", "hunts = findings.hunts + 1",
		fresh("title"), fresh("tactics"), fresh("techniques"), fresh("score"), fresh("entities"), fresh("evidence"),
		fresh("summary"), reopen("status", "'"+StatusOpen+"'"), reopen("status_at", "CAST(? AS "+ts+")"), reopen("status_by", "'"+HuntActor+"'")}, ", ")
	for lo := 0; lo < len(cs); lo += rowsPerStatement {
		part := cs[lo:min(lo+rowsPerStatement, len(cs))]
		args := []any{now, now}
		for _, c := range part {
			f := c.f
			e, err := encode(f)
			if err != nil {
				return err
			}
			args = append(args, f.ID, f.FirstSeen, f.LastSeen, f.Severity, severityRank(f.Severity), c.fresh, f.Title,
				e.tactics, e.techniques, f.Score, e.entities, e.evidence, f.Summary, c.reopen)
		}
		q := `UPDATE findings SET ` + set + ` FROM (VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", len(part)), ", ") +
			`) AS v(id, first_seen, last_seen, severity, severity_rank, fresh, title, tactics, techniques, score, entities,
			evidence, summary, reopen) WHERE findings.id = v.id`
		if _, err := tx.ExecContext(ctx, s.d.bind(q), args...); err != nil {
			return fmt.Errorf("update %d findings (first %s): %w", len(part), part[0].f.Key, err)
		}
	}
	return nil
}

// summariseIDs lists ids for an audit row, at most a screenful.
func summariseIDs(ids []string) string {
	const most = 20
	s := fmt.Sprintf("%d updated: %s", len(ids), strings.Join(ids[:min(len(ids), most)], " "))
	if len(ids) > most {
		s += " …"
	}
	return s
}
