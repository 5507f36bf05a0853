package main

import (
	"strings"
	"testing"
)

// TestTokens: a token made on the data directory is its last word, lists
// without its secret, and revokes.
func TestTokens(t *testing.T) {
	data := t.TempDir()
	out, err := run(t, "tokens", "create", "--data", data, "--name", "alice", "--role", "Responder")
	if err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	words := strings.Fields(out)
	secret := words[len(words)-1]
	if !strings.HasPrefix(secret, "weir_") || !strings.Contains(out, "for alice, role responder") {
		t.Fatalf("create printed %q", out)
	}
	id := words[1]
	out, err = run(t, "tokens", "list", "--data", data)
	if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "responder") || strings.Contains(out, secret) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if out, err := run(t, "tokens", "create", "--data", data, "--name", "bob", "--role", "root"); err == nil ||
		!strings.Contains(err.Error(), "--role: unknown role") {
		t.Errorf("an unknown role: %v %s", err, out)
	}
	if out, err := run(t, "tokens", "revoke", "--data", data, id); err != nil || !strings.Contains(out, "revoked "+id) {
		t.Errorf("revoke: %v %s", err, out)
	}
	out, err = run(t, "tokens", "list", "--data", data, "-o", "csv")
	if err != nil || !strings.Contains(out, "id,name,role,created,created_by,revoked") || strings.HasSuffix(strings.TrimSpace(out), ",") {
		t.Errorf("list after revoke: %v\n%s", err, out)
	}
}
