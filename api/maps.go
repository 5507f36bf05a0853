package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/weirhq/weir/graph"
	"github.com/weirhq/weir/query"
)

// MapReader draws the maps and the resource page (package graph's *Maps). It is
// called concurrently by every request.
type MapReader interface {
	Resource(ctx context.Context, workload string, p graph.Params) (*graph.Map, error)
	Communications(ctx context.Context, group string, p graph.Params) (*graph.Map, error)
	Summary(ctx context.Context, workload string, p graph.Params) (*graph.ResourceSummary, error)
}

// mapRoutes are the maps' and the resource page's endpoints.
func (s *Server) mapRoutes() []route {
	depth := param{name: "depth", in: "query", typ: "integer", doc: fmt.Sprintf("hops from the workload, 1 to %d", graph.MaxDepth), def: graph.DefaultDepth}
	perNode := param{name: "limit", in: "query", typ: "integer", doc: fmt.Sprintf("neighbours kept per node, busiest first, 1 to %d", graph.MaxLimit), def: graph.DefaultLimit}
	rows := param{name: "limit", in: "query", typ: "integer", doc: fmt.Sprintf("rows per table, 1 to %d", graph.MaxLimit), def: graph.DefaultLimit}
	workload := param{name: "workload", in: "path", typ: "string", doc: "the workload's inventory name"}
	group := param{name: "group", in: "query", typ: "string", doc: "the attribute both ends are grouped by", enum: graph.Groups, def: "role"}
	bad := "a bad filter (with its position) or parameter (with the allowed range)"
	return []route{
		{method: "GET", path: "/api/v1/maps/resource/{workload}", handler: s.resourceMap,
			summary: "A workload's neighbours out to depth hops, with its lateral-movement paths and blast radius",
			params:  []param{workload, depth, perNode, pQ, pWindow, pUntil},
			responses: map[string]string{"400": bad, "404": "a workload neither the inventory nor the window's flows name",
				"503": "no maps on this server"}},
		{method: "GET", path: "/api/v1/maps/communications", handler: s.communications,
			summary:   "The traffic grouped by role, app, workload or zone on both ends",
			params:    []param{group, perNode, pQ, pWindow, pUntil},
			responses: map[string]string{"400": bad, "503": "no maps on this server"}},
		{method: "GET", path: "/api/v1/resources/{workload}", handler: s.resource,
			summary: "A workload's page: inventory, risky traffic by role, malicious IPs, risky services, external transfers (Now and Prev)",
			params:  []param{workload, rows, pQ, pWindow, pUntil},
			responses: map[string]string{"400": bad, "404": "a workload neither the inventory nor the flows of Now and Prev name",
				"503": "no maps on this server"}},
	}
}

// resourceMap answers GET /api/v1/maps/resource/{workload}?depth=2&limit=10&q=&window=&until=.
func (s *Server) resourceMap(w http.ResponseWriter, r *http.Request) {
	p, ok := s.mapParams(w, r, true)
	if !ok {
		return
	}
	m, err := s.deps.Maps.Resource(r.Context(), r.PathValue("workload"), p)
	if err != nil {
		s.mapError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// communications answers GET /api/v1/maps/communications?group=role|app|workload|zone&limit=10&q=&window=&until=.
func (s *Server) communications(w http.ResponseWriter, r *http.Request) {
	p, ok := s.mapParams(w, r, false)
	if !ok {
		return
	}
	group := r.URL.Query().Get("group")
	if group == "" {
		group = "role"
	}
	m, err := s.deps.Maps.Communications(r.Context(), group, p)
	if err != nil {
		s.mapError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// resource answers GET /api/v1/resources/{workload}?limit=10&q=&window=&until=: the resource page.
func (s *Server) resource(w http.ResponseWriter, r *http.Request) {
	p, ok := s.mapParams(w, r, false)
	if !ok {
		return
	}
	sum, err := s.deps.Maps.Summary(r.Context(), r.PathValue("workload"), p)
	if err != nil {
		s.mapError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, sum)
}

// mapParams reads window, until, q, limit and (withDepth) depth, answering 400
// with the allowed range when one is bad, and 503 when the server has no maps.
func (s *Server) mapParams(w http.ResponseWriter, r *http.Request, withDepth bool) (graph.Params, bool) {
	if s.deps.Maps == nil {
		writeError(w, http.StatusServiceUnavailable, "maps are not available on this server")
		return graph.Params{}, false
	}
	v := r.URL.Query()
	from, until, err := s.timeRange(v.Get("window"), v.Get("until"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return graph.Params{}, false
	}
	p := graph.Params{Window: until.Sub(from), Until: until, Q: v.Get("q")}
	number := func(name string, lo, hi int) (int, bool) {
		text := v.Get(name)
		if text == "" {
			return 0, true // the default
		}
		n, err := strconv.Atoi(text)
		if err != nil || n < lo || n > hi {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("%s %q: want a number from %d to %d", name, text, lo, hi))
			return 0, false
		}
		return n, true
	}
	var ok bool
	if p.Limit, ok = number("limit", 1, graph.MaxLimit); !ok {
		return p, false
	}
	if withDepth {
		if p.Depth, ok = number("depth", 1, graph.MaxDepth); !ok {
			return p, false
		}
	}
	return p, true
}

// mapError answers a graph error: a bad filter or parameter is the caller's (400),
// an unknown workload is 404, anything else the server's (500, logged).
func (s *Server) mapError(w http.ResponseWriter, err error) {
	var qe *query.Error
	switch {
	case errors.As(err, &qe):
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "q: " + qe.Error(), "position": qe.Pos})
	case errors.Is(err, graph.ErrInvalid):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, graph.ErrUnknownWorkload):
		writeError(w, http.StatusNotFound, err.Error())
	default:
		s.logger.Error("draw map", "err", err)
		writeError(w, http.StatusInternalServerError, "map failed")
	}
}
