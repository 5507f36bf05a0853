package state

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/weirhq/weir/auth"
)

// Token is an API token as stored: never the secret, which only its creator sees.
type Token struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"` // who or what acts with it: the audit log's actor
	Role      auth.Role `json:"role"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"created_by"`
	Revoked   time.Time `json:"revoked,omitzero"`
}

// tokenPrefix marks weir's tokens, so that secret scanners can find leaked ones.
const tokenPrefix = "weir_"

// CreateToken stores a new token for name with role and returns it with its
// secret, the only time the secret is known.
func (s *Store) CreateToken(ctx context.Context, name string, role auth.Role, actor string) (Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return Token{}, "", fmt.Errorf("%w token: want a name of 1 to 200 characters", ErrInvalid)
	}
	if _, err := auth.ParseRole(string(role)); err != nil {
		return Token{}, "", fmt.Errorf("%w token: %w", ErrInvalid, err)
	}
	var id [6]byte
	var secret [32]byte
	rand.Read(id[:]) // crypto/rand.Read never fails (Go 1.24)
	rand.Read(secret[:])
	t := Token{ID: "tok-" + hex.EncodeToString(id[:]), Name: name, Role: role, Created: s.clock(), CreatedBy: actor}
	plain := tokenPrefix + base64.RawURLEncoding.EncodeToString(secret[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Token{}, "", fmt.Errorf("create token: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.d.bind(`INSERT INTO api_tokens (id, name, role, hash, created, created_by)
	VALUES (?, ?, ?, ?, ?, ?)`), t.ID, t.Name, string(t.Role), hashToken(plain), t.Created, t.CreatedBy); err != nil {
		return Token{}, "", fmt.Errorf("create token for %s: %w", name, err)
	}
	if err := s.audit(ctx, tx, t.Created, auditRow{actor, "token.create", t.ID, name + " as " + string(role)}); err != nil {
		return Token{}, "", err
	}
	return t, plain, tx.Commit()
}

func hashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// LookupToken returns the live token whose secret is plain; ErrNotFound when
// there is none or it was revoked. The secret is compared by its SHA-256: a
// token is 256 random bits, so a plain hash is enough (no password stretching).
func (s *Store) LookupToken(ctx context.Context, plain string) (Token, error) {
	if !strings.HasPrefix(plain, tokenPrefix) {
		return Token{}, ErrNotFound
	}
	t, err := scanToken(s.db.QueryRowContext(ctx, s.d.bind(`SELECT id, name, role, created, created_by, revoked
	FROM api_tokens WHERE hash = ? AND revoked IS NULL`), hashToken(plain)))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, ErrNotFound
	}
	return t, err
}

// Tokens lists every token, live and revoked, newest first.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, role, created, created_by, revoked FROM api_tokens
	ORDER BY created DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends token id at once. Revoking a revoked token is ErrInvalid; an
// unknown one ErrNotFound.
func (s *Store) RevokeToken(ctx context.Context, id, actor string) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Token{}, fmt.Errorf("revoke token %s: %w", id, err)
	}
	defer tx.Rollback()
	t, err := scanToken(tx.QueryRowContext(ctx, s.d.bind(`SELECT id, name, role, created, created_by, revoked
	FROM api_tokens WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, fmt.Errorf("%w: token %s", ErrNotFound, id)
	}
	if err != nil {
		return Token{}, err
	}
	if !t.Revoked.IsZero() {
		return t, fmt.Errorf("%w: token %s was revoked at %s", ErrInvalid, id, t.Revoked.Format(time.RFC3339))
	}
	t.Revoked = s.clock()
	if _, err := tx.ExecContext(ctx, s.d.bind(`UPDATE api_tokens SET revoked = ? WHERE id = ?`), t.Revoked, id); err != nil {
		return Token{}, fmt.Errorf("revoke token %s: %w", id, err)
	}
	if err := s.audit(ctx, tx, t.Revoked, auditRow{actor, "token.revoke", id, t.Name}); err != nil {
		return Token{}, err
	}
	return t, tx.Commit()
}

func scanToken(row scanner) (Token, error) {
	var t Token
	var role string
	var revoked sql.NullTime
	if err := row.Scan(&t.ID, &t.Name, &role, &t.Created, &t.CreatedBy, &revoked); err != nil {
		return t, err
	}
	t.Role, t.Created = auth.Role(role), t.Created.UTC()
	if revoked.Valid {
		t.Revoked = revoked.Time.UTC()
	}
	return t, nil
}
