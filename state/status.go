package state

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxCommentLen is the longest comment or note, in characters.
const MaxCommentLen = 10_000

// SetStatus moves a finding to status on behalf of actor; a note, when given, is
// added as actor's comment. Any status may follow any other (an analyst may
// reopen by hand); setting the status it already has changes nothing but the
// note. It returns the finding as it now is, ErrNotFound for an unknown id and
// ErrInvalid for a bad status, actor or note.
func (s *Store) SetStatus(ctx context.Context, id, status, actor, note string) (Finding, error) {
	if !ValidStatus(status) {
		return Finding{}, fmt.Errorf("%w status %q: want one of %s", ErrInvalid, status, strings.Join(Statuses, ", "))
	}
	if err := checkWrite(actor, note, true); err != nil {
		return Finding{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Finding{}, fmt.Errorf("set status of %q: %w", id, err)
	}
	defer tx.Rollback()
	f, err := s.get(ctx, tx, id)
	if err != nil {
		return f, err
	}
	now := s.clock()
	if f.Status != status {
		_, err = tx.ExecContext(ctx, s.d.bind(`UPDATE findings SET status = ?, status_at = ?, status_by = ?, updated = ? WHERE id = ?`),
			status, now, actor, now, id)
		if err != nil {
			return f, fmt.Errorf("set status of %q: %w", id, err)
		}
		if err := s.audit(ctx, tx, now, auditRow{actor, "finding.status", id, f.Status + " → " + status}); err != nil {
			return f, err
		}
		f.Status, f.StatusAt, f.StatusBy, f.Updated = status, now, actor, now
	}
	if note != "" {
		if _, err := s.addComment(ctx, tx, now, id, actor, note); err != nil {
			return f, err
		}
	}
	if err := tx.Commit(); err != nil {
		return f, fmt.Errorf("set status of %q: commit: %w", id, err)
	}
	return f, nil
}

// AddComment adds actor's comment to a finding. It returns ErrNotFound for an
// unknown id and ErrInvalid for an empty or overlong text or no actor.
func (s *Store) AddComment(ctx context.Context, id, actor, text string) (Comment, error) {
	if err := checkWrite(actor, text, false); err != nil {
		return Comment{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Comment{}, fmt.Errorf("comment on %q: %w", id, err)
	}
	defer tx.Rollback()
	if _, err := s.get(ctx, tx, id); err != nil {
		return Comment{}, err
	}
	c, err := s.addComment(ctx, tx, s.clock(), id, actor, text)
	if err != nil {
		return c, err
	}
	if err := tx.Commit(); err != nil {
		return c, fmt.Errorf("comment on %q: commit: %w", id, err)
	}
	return c, nil
}

func (s *Store) addComment(ctx context.Context, tx *sql.Tx, now time.Time, id, actor, text string) (Comment, error) {
	c := Comment{FindingID: id, Author: actor, Time: now, Text: text}
	err := tx.QueryRowContext(ctx, s.d.bind(`INSERT INTO finding_comments (finding_id, author, created, body)
		VALUES (?, ?, ?, ?) RETURNING id`), id, actor, now, text).Scan(&c.ID)
	if err != nil {
		return c, fmt.Errorf("comment on %q: %w", id, err)
	}
	if err := s.audit(ctx, tx, now, auditRow{actor, "finding.comment", id, fmt.Sprintf("comment %d", c.ID)}); err != nil {
		return c, err
	}
	return c, nil
}

// Comments returns a finding's comments, oldest first.
func (s *Store) Comments(ctx context.Context, id string) ([]Comment, error) {
	rows, err := s.db.QueryContext(ctx, s.d.bind(`SELECT id, finding_id, author, created, body FROM finding_comments
		WHERE finding_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, fmt.Errorf("read comments of %q: %w", id, err)
	}
	defer rows.Close()
	out := []Comment{}
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.ID, &c.FindingID, &c.Author, &c.Time, &c.Text); err != nil {
			return nil, fmt.Errorf("read comments of %q: %w", id, err)
		}
		c.Time = c.Time.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// checkWrite checks who writes and what: an actor, and a text of at most
// MaxCommentLen characters, which may be empty when optional.
func checkWrite(actor, text string, optional bool) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: no actor: every write names who made it", ErrInvalid)
	}
	if !optional && strings.TrimSpace(text) == "" {
		return fmt.Errorf("%w: empty comment", ErrInvalid)
	}
	if !utf8.ValidString(text) {
		return fmt.Errorf("%w: comment is not UTF-8", ErrInvalid)
	}
	if n := utf8.RuneCountInString(text); n > MaxCommentLen {
		return fmt.Errorf("%w: comment of %d characters: at most %d", ErrInvalid, n, MaxCommentLen)
	}
	return nil
}
