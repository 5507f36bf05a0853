package api

import (
	"encoding/csv"
	"errors"
	"net/http"

	"github.com/weirhq/weir/insight"
	"github.com/weirhq/weir/query"
)

// insightParams are the query parameters every insight takes; the others are
// the insight's own.
var insightParams = map[string]bool{"window": true, "until": true, "by": true, "limit": true, "q": true, "format": true}

// insight answers GET /api/v1/insights/{id}?window=24h&until=RFC3339&by=flows&limit=10&q=FILTER
// plus the insight's own parameters (service=SMB, group=country, provider=...,
// bucket=1h), in JSON or, with format=csv, CSV.
func (s *Server) insight(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	v := r.URL.Query()
	p := insight.Params{Window: v.Get("window"), Until: v.Get("until"), By: v.Get("by"), Limit: v.Get("limit"),
		Q: v.Get("q"), Extra: map[string]string{}, Now: s.cfg.Now()}
	for k := range v {
		if !insightParams[k] {
			p.Extra[k] = v.Get(k)
		}
	}
	res, err := insight.Run(r.Context(), s.deps.Flows, id, p)
	var pe *insight.ParamError
	var qe *query.Error
	switch {
	case errors.Is(err, insight.ErrUnknown):
		writeJSON(w, http.StatusNotFound, map[string]any{"error": err.Error(), "insights": insight.IDs()})
		return
	case errors.As(err, &pe) && errors.As(err, &qe):
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error(), "position": qe.Pos})
		return
	case errors.As(err, &pe):
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		s.logger.Error("insight", "id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "insight failed")
		return
	}
	if v.Get("format") == "csv" || r.Header.Get("Accept") == "text/csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		cw := csv.NewWriter(w)
		cw.Write(res.Columns)
		rec := make([]string, len(res.Columns))
		for _, row := range res.Rows {
			for i, c := range res.Columns {
				rec[i] = row.Cell(c)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// insightRoute describes GET /api/v1/insights/{id} for the route table.
func (s *Server) insightRoute() route {
	params := []param{
		{name: "id", in: "path", typ: "string", enum: insight.IDs()},
		{name: "window", in: "query", typ: "string", doc: "1m to 90d, e.g. 90m, 24h, 7d", def: "24h"},
		{name: "until", in: "query", typ: "string", doc: "end of Now, RFC 3339 (default now)"},
		{name: "by", in: "query", typ: "string", enum: []string{"flows", "bytes"}, def: "flows"},
		{name: "limit", in: "query", typ: "integer", doc: "1 to 1000", def: 10},
		{name: "q", in: "query", typ: "string", doc: "filter (DESIGN §6) AND-ed to the insight's own"},
		pFormat,
	}
	seen := map[string]bool{}
	doc := "Now = [until−window, until) against Prev, the window before. Insights:"
	for _, in := range insight.Insights() {
		doc += "\n- " + in.ID + ": " + in.Doc
		for _, p := range in.Params {
			doc += "; " + p.Name + "=: " + p.Doc
			if !seen[p.Name] {
				seen[p.Name] = true
				params = append(params, param{name: p.Name, in: "query", typ: "string", doc: "the insight's own parameter (see the description)"})
			}
		}
	}
	return route{method: "GET", path: "/api/v1/insights/{id}", handler: s.insight, params: params,
		summary: "One of the Hub's insights: rows of keys with flows and bytes in Now and Prev, deltas and percent changes",
		doc:     doc,
		responses: map[string]string{"400": "bad parameter; a bad filter with its position",
			"404": "unknown insight, with the valid ids"}}
}
