// Package api is weir's REST interface under /api/v1, plus /healthz, /readyz and
// /metrics, on net/http. It turns requests into store queries and answers JSON or
// CSV; it owns no query logic (package query) and no storage (package store).
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/weirhq/weir/store/duckdb"
)

// FlowReader is what the API reads flows from.
type FlowReader interface {
	Flows(ctx context.Context, q duckdb.FlowQuery) ([]duckdb.Row, error)
	Aggregate(ctx context.Context, q duckdb.AggregateQuery) ([]duckdb.Row, string, error)
	Stats(ctx context.Context) (duckdb.Stats, error)
}

// Configuration of the API.
type Configuration struct {
	// Tokens are the server's own bearer tokens (from WEIR_TOKEN or made at
	// start): each acts as an admin named "admin". Named tokens with roles live
	// in the state store (Dependencies.Tokens).
	Tokens []string
	// Now is the clock that "until" defaults to.
	Now func() time.Time
}

// Dependencies of the API.
type Dependencies struct {
	Flows FlowReader
	Maps  MapReader   // may be nil: the maps then answer 503
	Agent AgentReader // may be nil: /api/v1/agent/summaries then answers 503
	// Findings is the state store: findings, comments, the audit log. May be nil:
	// those endpoints then answer 503.
	Findings FindingStore
	// Hunter runs hunts on demand (POST /api/v1/hunts). May be nil: 503.
	Hunter Hunter
	// Quarantine is the quarantine workflow. May be nil: those endpoints then answer 503.
	Quarantine Quarantiner
	// Tokens are the named API tokens with their roles. May be nil: only the
	// configured tokens then admit, and the token endpoints answer 503.
	Tokens TokenStore
	// Console serves the web console (web.Handler) for every GET that no route
	// takes, without a token: its files are public, its data comes from the API.
	// May be nil: no console.
	Console http.Handler
}

// Server serves the API.
type Server struct {
	logger *slog.Logger
	cfg    Configuration
	deps   Dependencies
	mux    *http.ServeMux
}

// New returns a Server.
func New(logger *slog.Logger, cfg Configuration, deps Dependencies) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{logger: logger.With("component", "api"), cfg: cfg, deps: deps, mux: http.NewServeMux()}
	for _, rt := range s.routes() {
		var h http.Handler = rt.handler
		if !rt.public {
			h = s.auth(rt, h)
		}
		s.mux.Handle(rt.method+" "+rt.path, h)
	}
	if deps.Console != nil {
		s.mux.Handle("GET /", s.console(deps.Console))
	}
	return s
}

// console serves the web console, except under /api/, where an unknown path is
// the API's own 404.
func (s *Server) console(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/") {
			writeError(w, http.StatusNotFound, "no such endpoint: see /api/v1/openapi.json")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) { promhttp.Handler().ServeHTTP(w, r) }

// Handler is the API's http.Handler.
func (s *Server) Handler() http.Handler { return s.mux }
