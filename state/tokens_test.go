package state

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/weirhq/weir/auth"
)

func TestTokens(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	tok, secret, err := s.CreateToken(ctx, "alice", auth.Responder, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "weir_") || len(secret) < 40 || tok.Name != "alice" || tok.Role != auth.Responder {
		t.Fatalf("created %+v with secret %q", tok, secret)
	}
	got, err := s.LookupToken(ctx, secret)
	if err != nil || got.ID != tok.ID || got.Role != auth.Responder || got.CreatedBy != "admin" {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	for _, bad := range []string{"", "weir_", secret + "x", strings.TrimPrefix(secret, "weir_")} {
		if _, err := s.LookupToken(ctx, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("lookup %q: %v, want not found", bad, err)
		}
	}
	if _, _, err := s.CreateToken(ctx, "bob", auth.Role("root"), "admin"); !errors.Is(err, ErrInvalid) {
		t.Errorf("a token with an unknown role: %v", err)
	}
	if _, _, err := s.CreateToken(ctx, " ", auth.Viewer, "admin"); !errors.Is(err, ErrInvalid) {
		t.Errorf("a token without a name: %v", err)
	}
	if _, err := s.RevokeToken(ctx, tok.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupToken(ctx, secret); !errors.Is(err, ErrNotFound) {
		t.Errorf("a revoked token still works: %v", err)
	}
	if _, err := s.RevokeToken(ctx, tok.ID, "admin"); !errors.Is(err, ErrInvalid) {
		t.Errorf("revoke twice: %v", err)
	}
	if _, err := s.RevokeToken(ctx, "tok-nope", "admin"); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
	list, err := s.Tokens(ctx)
	if err != nil || len(list) != 1 || list[0].Revoked.IsZero() {
		t.Errorf("tokens: %+v %v", list, err)
	}
	audit, err := s.Audit(ctx, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, a := range audit {
		acts = append(acts, a.Action+" "+a.Detail)
		if strings.Contains(a.Detail, secret) {
			t.Errorf("the audit log holds the secret: %+v", a)
		}
	}
	if len(acts) != 2 || acts[0] != "token.revoke alice" || acts[1] != "token.create alice as responder" {
		t.Errorf("audit %v", acts)
	}
}
