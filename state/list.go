package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Filter selects findings. Zero fields select everything.
type Filter struct {
	Status   []string  // any of these statuses
	Severity string    // at least this severity
	Detector string    // this detector
	Tactic   string    // has this tactic, e.g. TA0008
	Since    time.Time // last seen at or after
	Text     string    // in the title, summary or entities (case-insensitive)
	Limit    int       // most findings (default and ceiling MaxLimit)
	Offset   int       // findings to skip
}

// MaxLimit is the most findings one List returns.
const MaxLimit = 1000

var tacticPattern = regexp.MustCompile(`^TA[0-9]{4}$`)

// Validate says what is wrong with f, wrapping ErrInvalid.
func (f Filter) Validate() error {
	for _, s := range f.Status {
		if !ValidStatus(s) {
			return fmt.Errorf("%w status %q: want one of %s", ErrInvalid, s, strings.Join(Statuses, ", "))
		}
	}
	if f.Severity != "" && !ValidSeverity(f.Severity) {
		return fmt.Errorf("%w severity %q: want low, medium, high or critical", ErrInvalid, f.Severity)
	}
	if f.Tactic != "" && !tacticPattern.MatchString(f.Tactic) {
		return fmt.Errorf("%w tactic %q: want a MITRE ATT&CK tactic id like TA0008", ErrInvalid, f.Tactic)
	}
	if f.Limit < 0 || f.Limit > MaxLimit {
		return fmt.Errorf("%w limit %d: want 1 to %d", ErrInvalid, f.Limit, MaxLimit)
	}
	if f.Offset < 0 {
		return fmt.Errorf("%w offset %d: want 0 or more", ErrInvalid, f.Offset)
	}
	return nil
}

// List returns the findings f selects, the analysts' queue order: most severe,
// then highest score, then most recently seen.
func (s *Store) List(ctx context.Context, f Filter) ([]Finding, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if len(f.Status) > 0 {
		where = append(where, "status IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Status)), ",")+")")
		for _, st := range f.Status {
			args = append(args, st)
		}
	}
	if f.Severity != "" {
		where = append(where, "severity_rank >= ?")
		args = append(args, severityRank(f.Severity))
	}
	if f.Detector != "" {
		where = append(where, "detector = ?")
		args = append(args, f.Detector)
	}
	if f.Tactic != "" {
		where = append(where, `CAST(tactics AS VARCHAR) LIKE ? ESCAPE '\'`)
		args = append(args, `%"`+likeEscape(f.Tactic)+`"%`)
	}
	if !f.Since.IsZero() {
		where = append(where, "last_seen >= ?")
		args = append(args, dbTime(f.Since))
	}
	if f.Text != "" {
		where = append(where, `lower(title || ' ' || summary || ' ' || CAST(entities AS VARCHAR)) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(strings.ToLower(f.Text))+"%")
	}
	q := "SELECT " + findingColumns + " FROM findings"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit == 0 {
		limit = MaxLimit
	}
	q += fmt.Sprintf(" ORDER BY severity_rank DESC, score DESC, last_seen DESC, id LIMIT %d OFFSET %d", limit, f.Offset)
	rows, err := s.db.QueryContext(ctx, s.d.bind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	defer rows.Close()
	out := []Finding{}
	for rows.Next() {
		fd, err := scanFinding(rows)
		if err != nil {
			return nil, fmt.Errorf("list findings: %w", err)
		}
		out = append(out, fd)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	return out, nil
}

// Get returns one finding with its comments, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Finding, error) {
	f, err := s.get(ctx, s.db, id)
	if err != nil {
		return f, err
	}
	if f.Comments, err = s.Comments(ctx, id); err != nil {
		return f, err
	}
	return f, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) get(ctx context.Context, q queryer, id string) (Finding, error) {
	f, err := scanFinding(q.QueryRowContext(ctx, s.d.bind("SELECT "+findingColumns+" FROM findings WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("finding %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("read finding %q: %w", id, err)
	}
	return f, nil
}
