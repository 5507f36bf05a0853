package api

import (
	"net/http"

	"github.com/weirhq/weir/auth"
)

// route is one endpoint: the mux pattern, its handler and its OpenAPI description.
// The mux and /api/v1/openapi.json are both built from routes, so the document
// cannot drift from what is served (TestOpenAPIMatchesRoutes holds them together).
type route struct {
	method, path string // path in OpenAPI form: /api/v1/insights/{id}
	public       bool   // served without a token
	// role is the least role that may call it; Viewer when empty, for GETs only
	// (New refuses a write without one, so that no write is open by omission).
	role         auth.Role
	handler      http.HandlerFunc
	summary, doc string
	params       []param
	responses    map[string]string // status → description; 200 is added when missing
}

// param is a query or path parameter.
type param struct {
	name, in, typ, doc string
	enum               []string
	def                any
}

func q(name, typ, doc string) param { return param{name: name, in: "query", typ: typ, doc: doc} }

// Parameters several routes share.
var (
	pWindow = param{name: "window", in: "query", typ: "string", doc: "length of Now (and of Prev), e.g. 24h; 1m to 90d", def: "24h"}
	pUntil  = param{name: "until", in: "query", typ: "string", doc: "end of Now, RFC 3339 (default now)"}
	pQ      = q("q", "string", "filter (DESIGN §6), e.g. service in (SMB, RDP) and not dst.role = db")
	pLimit  = param{name: "limit", in: "query", typ: "integer", doc: "most rows", def: 100}
	pFormat = param{name: "format", in: "query", typ: "string", doc: "csv for a table", enum: []string{"json", "csv"}}
)

// routes lists every endpoint of the API.
func (s *Server) routes() []route {
	rs := []route{
		{method: "GET", path: "/healthz", public: true, summary: "Liveness", handler: func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) }},
		{method: "GET", path: "/readyz", public: true, summary: "Readiness", handler: func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ready\n")) }},
		{method: "GET", path: "/metrics", summary: "Prometheus metrics", handler: s.metrics},
		{method: "GET", path: "/api/v1/openapi.json", public: true, summary: "This document", handler: s.openapi},
		{method: "GET", path: "/api/v1/flows", summary: "Flows matching a filter, newest first; or, with by, their sums per group",
			handler: s.flows, params: []param{pQ, pWindow, pUntil, pLimit,
				q("offset", "integer", "rows to skip, for the next page (the answer's next_offset)"), pFormat,
				q("by", "string", "group by these fields (comma-separated) and sum"),
				{name: "order", in: "query", typ: "string", enum: []string{"flows", "bytes"}}},
			responses: map[string]string{"400": "a bad filter (with its position) or parameter"}},
		{method: "GET", path: "/api/v1/stats", summary: "What the store holds", handler: s.stats},
		s.insightRoute(),
		s.fieldsRoute(),
	}
	rs = append(rs, agentRoutes(s.deps.Agent, s.cfg.Now, s.logger)...)
	rs = append(rs, s.mapRoutes()...)
	rs = append(rs, s.findingRoutes()...)
	rs = append(rs, s.tokenRoutes()...)
	return append(rs, s.quarantineRoutes()...)
}
