package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/store/duckdb"
)

// flows answers GET /api/v1/flows?q=FILTER&window=24h&until=RFC3339&limit=100[&format=csv],
// and with by=FIELD,FIELD[&order=bytes] the sums per group.
func (s *Server) flows(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Query()
	from, until, err := s.timeRange(p.Get("window"), p.Get("until"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit := 100
	if v := p.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit <= 0 || limit > 100_000 {
			writeError(w, http.StatusBadRequest, "limit: want a number from 1 to 100000")
			return
		}
	}
	offset := 0
	if v := p.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 || offset > 1_000_000 {
			writeError(w, http.StatusBadRequest, "offset: want a number from 0 to 1000000")
			return
		}
	}
	c, err := query.Compile(p.Get("q"), query.DuckDB)
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "q: " + qe.Error(), "position": qe.Pos})
			return
		}
		writeError(w, http.StatusBadRequest, "q: "+err.Error())
		return
	}
	if by := p.Get("by"); by != "" {
		rows, table, err := s.deps.Flows.Aggregate(r.Context(), duckdb.AggregateQuery{From: from, Until: until, Where: c.Where,
			Args: c.Args, Columns: c.Columns, By: strings.Split(by, ","), OrderBy: p.Get("order"), Limit: limit})
		if err != nil {
			writeError(w, http.StatusBadRequest, "by: "+err.Error())
			return
		}
		if rows == nil {
			rows = []duckdb.Row{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"from": from, "until": until, "table": table, "rows": rows})
		return
	}
	rows, err := s.deps.Flows.Flows(r.Context(), duckdb.FlowQuery{From: from, Until: until, Where: c.Where, Args: c.Args,
		Limit: limit, Offset: offset})
	if err != nil {
		s.logger.Error("query flows", "err", err)
		writeError(w, http.StatusInternalServerError, "query failed")
		return
	}
	if p.Get("format") == "csv" || r.Header.Get("Accept") == "text/csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		duckdb.WriteCSV(w, rows)
		return
	}
	if rows == nil {
		rows = []duckdb.Row{}
	}
	answer := map[string]any{"from": from, "until": until, "flows": rows}
	if len(rows) == limit {
		answer["next_offset"] = offset + limit
	}
	writeJSON(w, http.StatusOK, answer)
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	st, err := s.deps.Flows.Stats(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, "stats failed")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"flows": st.Flows, "rollup_rows": st.RollupRows, "inputs": st.Inputs,
		"first": st.First, "last": st.Last})
}

// Bounds of the time parameters: what a flow store can hold and a question can mean.
const (
	minWindow = time.Minute
	maxWindow = 90 * 24 * time.Hour
)

func (s *Server) timeRange(window, until string) (time.Time, time.Time, error) {
	w := 24 * time.Hour
	if window != "" {
		d, err := time.ParseDuration(window)
		if err != nil || d < minWindow || d > maxWindow {
			return time.Time{}, time.Time{}, fmt.Errorf("window %q: want a duration from 1m to 2160h (90 days), like 24h", window)
		}
		w = d
	}
	now := s.cfg.Now().UTC()
	u := now
	if until != "" {
		t, err := time.Parse(time.RFC3339, until)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("until %q: want RFC 3339, like 2026-01-15T00:00:00Z", until)
		}
		if t.Year() < 2000 || t.After(now.Add(24*time.Hour)) {
			return time.Time{}, time.Time{}, fmt.Errorf("until %q: want a time from 2000 to a day from now", until)
		}
		u = t.UTC()
	}
	return u.Add(-w), u, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // compact: maps run to hundreds of kilobytes
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
