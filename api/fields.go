package api

import (
	"net/http"

	"github.com/weirhq/weir/query"
)

// fieldsRoute describes GET /api/v1/fields: the names the filter language takes,
// for the console's field completion and for scripts.
func (s *Server) fieldsRoute() route {
	return route{method: "GET", path: "/api/v1/fields", handler: s.fields,
		summary: "The filter language's field names (DESIGN §6): name, type, the words an enumerated type takes, and a description"}
}

// fields answers GET /api/v1/fields with query.Fields, sorted by name.
func (s *Server) fields(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"fields": query.Fields()})
}
