package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/weirhq/weir/auth"
	"github.com/weirhq/weir/state"
)

// TokenStore is where named API tokens live (*state.Store).
type TokenStore interface {
	CreateToken(ctx context.Context, name string, role auth.Role, actor string) (state.Token, string, error)
	LookupToken(ctx context.Context, plain string) (state.Token, error)
	Tokens(ctx context.Context) ([]state.Token, error)
	RevokeToken(ctx context.Context, id, actor string) (state.Token, error)
}

// configuredName is the principal the server's own tokens act as.
const configuredName = "admin"

// auth admits a request whose bearer token names a principal whose role
// allows rt, and passes the principal on in the request's context.
func (s *Server) auth(rt route, next http.Handler) http.Handler {
	need := rt.role
	if need == "" {
		if rt.method != http.MethodGet {
			panic("api: route " + rt.method + " " + rt.path + " has no role")
		}
		need = auth.Viewer
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.principal(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="weir"`)
			writeError(w, http.StatusUnauthorized, "authentication required: send Authorization: Bearer <token>")
			return
		}
		if !p.Role.Allows(need) {
			writeError(w, http.StatusForbidden, fmt.Sprintf("%s %s needs the %s role; %s is %s", rt.method, rt.path,
				need, p.Name, p.Role))
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.With(r.Context(), p)))
	})
}

// principal is who the request's bearer token names.
func (s *Server) principal(r *http.Request) (auth.Principal, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return auth.Principal{}, false
	}
	for _, t := range s.cfg.Tokens {
		if subtle.ConstantTimeCompare([]byte(tok), []byte(t)) == 1 {
			return auth.Principal{Name: configuredName, Role: auth.Admin}, true
		}
	}
	if s.deps.Tokens == nil {
		return auth.Principal{}, false
	}
	t, err := s.deps.Tokens.LookupToken(r.Context(), tok)
	if err != nil {
		if !errors.Is(err, state.ErrNotFound) {
			s.logger.Error("look up a token", "err", err) // never the token itself
		}
		return auth.Principal{}, false
	}
	return auth.Principal{Name: t.Name, Role: t.Role, TokenID: t.ID}, true
}

// actorOf is who a write is recorded as: a named token's name. The server's
// own tokens are shared, so a request made with one may say on whose behalf
// (the CLI sends the local user); otherwise it is "admin".
func actorOf(r *http.Request, claimed string) string {
	p, _ := auth.From(r.Context())
	if claimed = strings.TrimSpace(claimed); p.TokenID == "" && claimed != "" {
		return claimed
	}
	if p.Name == "" {
		return defaultActor
	}
	return p.Name
}

// agentMayAct reports whether the request may act for workload: an agent's
// token only for the workload it is named after.
func agentMayAct(w http.ResponseWriter, r *http.Request, workload string) bool {
	p, _ := auth.From(r.Context())
	if p.Role == auth.Agent && p.Name != workload {
		writeError(w, http.StatusForbidden, fmt.Sprintf("agent token %s may act only for workload %s, not %s",
			p.Name, p.Name, workload))
		return false
	}
	return true
}

func (s *Server) tokenRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/tokens", role: auth.Admin, handler: s.tokenCreate,
			summary:   "Create a named API token: body {name, role}; the answer holds the token, shown this once",
			responses: map[string]string{"201": "created", "400": "bad name or role", "503": "no token store"}},
		{method: "GET", path: "/api/v1/tokens", role: auth.Admin, handler: s.tokenList,
			summary: "The named API tokens (never their secrets)"},
		{method: "POST", path: "/api/v1/tokens/{id}/revoke", role: auth.Admin, handler: s.tokenRevoke,
			summary: "Revoke a token at once", params: []param{{name: "id", in: "path", typ: "string"}},
			responses: map[string]string{"404": "no such token", "409": "already revoked"}},
		{method: "GET", path: "/api/v1/whoami", handler: s.whoami, summary: "Who the request's token names, and its role"},
	}
}

func (s *Server) tokens(w http.ResponseWriter) bool {
	if s.deps.Tokens == nil {
		writeError(w, http.StatusServiceUnavailable, "no token store on this server")
		return false
	}
	return true
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	if !s.tokens(w) {
		return
	}
	var body struct{ Name, Role string }
	if !readBody(w, r, &body) {
		return
	}
	role, err := auth.ParseRole(body.Role)
	if err != nil {
		writeError(w, http.StatusBadRequest, "role: "+err.Error())
		return
	}
	t, secret, err := s.deps.Tokens.CreateToken(r.Context(), body.Name, role, actorOf(r, ""))
	if err != nil {
		s.stateError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, CreatedToken{t, secret})
}

// CreatedToken is POST /api/v1/tokens' answer: the new token with its
// secret, shown this once.
type CreatedToken struct {
	state.Token
	Secret string `json:"token"`
}

func (s *Server) tokenList(w http.ResponseWriter, r *http.Request) {
	if !s.tokens(w) {
		return
	}
	ts, err := s.deps.Tokens.Tokens(r.Context())
	if err != nil {
		s.stateError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	if !s.tokens(w) {
		return
	}
	t, err := s.deps.Tokens.RevokeToken(r.Context(), r.PathValue("id"), actorOf(r, ""))
	switch {
	case errors.Is(err, state.ErrInvalid):
		writeError(w, http.StatusConflict, err.Error())
	case err != nil:
		s.stateError(w, err)
	default:
		writeJSON(w, http.StatusOK, t)
	}
}

func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.From(r.Context())
	writeJSON(w, http.StatusOK, map[string]string{"name": p.Name, "role": string(p.Role)})
}
