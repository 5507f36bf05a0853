package api

import (
	"net/http"
	"strings"
)

// openapi serves the OpenAPI 3 description of the routes this server has.
func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.document())
}

func (s *Server) document() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.routes() {
		op := map[string]any{"summary": rt.summary}
		if rt.doc != "" {
			op["description"] = rt.doc
		}
		if rt.public {
			op["security"] = []any{}
		}
		var params []map[string]any
		for _, p := range rt.params {
			schema := map[string]any{"type": p.typ}
			if p.enum != nil {
				schema["enum"] = p.enum
			}
			if p.def != nil {
				schema["default"] = p.def
			}
			pm := map[string]any{"name": p.name, "in": p.in, "schema": schema}
			if p.doc != "" {
				pm["description"] = p.doc
			}
			if p.in == "path" {
				pm["required"] = true
			}
			params = append(params, pm)
		}
		if params != nil {
			op["parameters"] = params
		}
		resp := map[string]any{"200": map[string]string{"description": "OK"}}
		if !rt.public {
			resp["401"] = map[string]string{"description": "no valid bearer token"}
		}
		for code, d := range rt.responses {
			resp[code] = map[string]string{"description": d}
		}
		op["responses"] = resp
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]string{"title": "weir API", "version": "v1"},
		"components": map[string]any{"securitySchemes": map[string]any{
			"bearer": map[string]string{"type": "http", "scheme": "bearer"}}},
		"security": []map[string][]string{{"bearer": {}}},
		"paths":    paths,
	}
}
