// Package auth is who may do what in weir: roles, the principal a request
// acts as, and API tokens. DESIGN §10: viewer < analyst (comments, finding
// status) < responder (quarantine) < admin (users, tokens, config). Host agents
// get a role of their own that only fetches and reports a desired state.
package auth

import (
	"context"
	"fmt"
	"strings"
)

// Role is what a principal may do.
type Role string

// The roles, from least to most.
const (
	Viewer    Role = "viewer"
	Analyst   Role = "analyst"
	Responder Role = "responder"
	Admin     Role = "admin"
	// Agent is a host agent's: it may only read its workload's desired state
	// and report what it enforces. It ranks beside the others, not above any.
	Agent Role = "agent"
)

// Roles lists every role, the ranked ones first.
var Roles = []Role{Viewer, Analyst, Responder, Admin, Agent}

var rank = map[Role]int{Viewer: 1, Analyst: 2, Responder: 3, Admin: 4}

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Roles {
		if r == known {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("unknown role %q: want one of %s", s, strings.Join(names, ", "))
}

// Allows reports whether r may do what needs role need. An agent may do only
// what agents do, and an admin may do that too.
func (r Role) Allows(need Role) bool {
	if need == Agent {
		return r == Agent || r == Admin
	}
	return rank[r] >= rank[need] && rank[need] > 0
}

// Principal is who a request acts as: a token's name and role.
type Principal struct {
	Name string
	Role Role
	// TokenID is the stored token the request carried; empty for a token from
	// the server's configuration.
	TokenID string
}

type ctxKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From is the principal ctx carries.
func From(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}
