package api

import "net/http"

// openapi serves the API's description. It lists what this version serves; the
// insight, map, finding and quarantine paths of DESIGN §9 join it as they land.
func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]string{"title": "weir API", "version": "v1"},
		"components": map[string]any{"securitySchemes": map[string]any{
			"bearer": map[string]string{"type": "http", "scheme": "bearer"}}},
		"security": []map[string][]string{{"bearer": {}}},
		"paths": map[string]any{
			"/api/v1/flows": map[string]any{"get": map[string]any{
				"summary": "Flows matching a filter, newest first",
				"parameters": []map[string]any{
					{"name": "q", "in": "query", "description": "filter (DESIGN §6)", "schema": map[string]string{"type": "string"}},
					{"name": "window", "in": "query", "schema": map[string]string{"type": "string", "default": "24h"}},
					{"name": "until", "in": "query", "schema": map[string]string{"type": "string", "format": "date-time"}},
					{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "default": 100}},
					{"name": "format", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{"json", "csv"}}},
					{"name": "by", "in": "query", "description": "group by these fields (comma-separated) and sum", "schema": map[string]string{"type": "string"}},
					{"name": "order", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{"flows", "bytes"}}},
				},
				"responses": map[string]any{"200": map[string]string{"description": "flows"},
					"400": map[string]string{"description": "bad filter, with the position"}},
			}},
			"/api/v1/stats": map[string]any{"get": map[string]any{"summary": "What the store holds",
				"responses": map[string]any{"200": map[string]string{"description": "counts"}}}},
			"/healthz": map[string]any{"get": map[string]any{"security": []any{}, "responses": map[string]any{"200": map[string]string{"description": "alive"}}}},
			"/readyz":  map[string]any{"get": map[string]any{"security": []any{}, "responses": map[string]any{"200": map[string]string{"description": "ready"}}}},
		},
	})
}
