package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/auth"
	"github.com/weirhq/weir/hunt"
	"github.com/weirhq/weir/state"
)

// FindingStore is what the findings and audit endpoints read and write
// (*state.Store). It is called concurrently by every request; it returns errors
// wrapping state.ErrNotFound and state.ErrInvalid for unknown ids and bad input.
type FindingStore interface {
	List(ctx context.Context, f state.Filter) ([]state.Finding, error)
	Get(ctx context.Context, id string) (state.Finding, error)
	SetStatus(ctx context.Context, id, status, actor, note string) (state.Finding, error)
	AddComment(ctx context.Context, id, actor, text string) (state.Comment, error)
	Comments(ctx context.Context, id string) ([]state.Comment, error)
	Audit(ctx context.Context, f state.AuditFilter) ([]state.AuditEntry, error)
}

// Hunter runs a hunt now (*hunt.Scheduler: it waits for a scheduled hunt in
// progress rather than overlapping it).
type Hunter interface {
	Hunt(ctx context.Context, until time.Time, window time.Duration) (hunt.Report, error)
}

var (
	_ FindingStore = (*state.Store)(nil)
	_ Hunter       = (*hunt.Scheduler)(nil)
)

// defaultActor is who a write is recorded as when no principal is known (tests
// that call handlers without auth).
// Until users and sessions exist every token is an admin's and says who it is.
const defaultActor = "api"

// findingRoutes are the findings', audit log's and hunts' endpoints.
func (s *Server) findingRoutes() []route {
	id := param{name: "id", in: "path", typ: "string", doc: "the finding's id, e.g. f-3a9c01d2e4b5f607"}
	offset := q("offset", "integer", "rows to skip, for the next page (the answer's next_offset)")
	limit := param{name: "limit", in: "query", typ: "integer", doc: fmt.Sprintf("most rows, 1 to %d", state.MaxLimit), def: 100}
	since := q("since", "string", "last seen at or after this time, RFC 3339")
	none := "no state store on this server"
	notFound := "no finding with this id"
	return []route{
		{method: "GET", path: "/api/v1/findings", handler: s.findings,
			summary: "Findings, most severe first",
			params: []param{
				{name: "status", in: "query", typ: "string", doc: "any of these statuses, comma-separated: " + strings.Join(state.Statuses, ", ")},
				{name: "severity", in: "query", typ: "string", doc: "at least this severity", enum: []string{"low", "medium", "high", "critical"}},
				q("detector", "string", "this detector, e.g. port-scan"),
				q("tactic", "string", "has this MITRE ATT&CK tactic, e.g. TA0008"),
				since, q("q", "string", "text in the title, summary or entities"), limit, offset, pFormat},
			responses: map[string]string{"400": "a bad parameter", "503": none}},
		{method: "GET", path: "/api/v1/findings/{id}", handler: s.finding, summary: "One finding with its comments",
			params: []param{id}, responses: map[string]string{"404": notFound, "503": none}},
		{method: "POST", path: "/api/v1/findings/{id}/status", role: auth.Analyst, handler: s.findingStatus,
			summary: "Change a finding's status",
			doc: `Body: {"status": "open|acknowledged|resolved|false_positive", "note": "optional comment", ` +
				`"author": "on whose behalf, with the server's own token only"}. Answers the finding as it now is.`,
			params: []param{id}, responses: map[string]string{"400": "a bad status, note or body", "404": notFound, "503": none}},
		{method: "GET", path: "/api/v1/findings/{id}/comments", handler: s.findingComments,
			summary: "A finding's comments, oldest first", params: []param{id},
			responses: map[string]string{"404": notFound, "503": none}},
		{method: "POST", path: "/api/v1/findings/{id}/comments", role: auth.Analyst, handler: s.addFindingComment,
			summary:   "Comment on a finding",
			doc:       `Body: {"text": "…", "author": "on whose behalf, with the server's own token only"}. Answers the comment, with status 201.`,
			params:    []param{id},
			responses: map[string]string{"201": "the comment", "400": "an empty or overlong text, or a bad body", "404": notFound, "503": none}},
		{method: "GET", path: "/api/v1/audit", handler: s.audit, summary: "The audit log, newest first",
			params: []param{q("actor", "string", "who"), q("action", "string", "what, e.g. finding.status"),
				q("target", "string", "to what, e.g. a finding's id"), {name: "since", in: "query", typ: "string", doc: "at or after, RFC 3339"},
				limit, offset},
			responses: map[string]string{"400": "a bad parameter", "503": none}},
		{method: "POST", path: "/api/v1/hunts", role: auth.Analyst, handler: s.huntNow,
			summary: "Run the detectors now over a window and record their findings",
			doc:     "Waits for a scheduled hunt in progress. Answers what the hunt did: counts, detectors' errors and times, the findings stored.",
			params:  []param{pWindow, pUntil},
			responses: map[string]string{"400": "a bad window or until", "500": "the hunt could not record its findings",
				"503": "no hunts on this server"}},
	}
}

// findings answers GET /api/v1/findings?status=open,acknowledged&severity=high&detector=&tactic=&since=&q=&limit=&offset=[&format=csv].
func (s *Server) findings(w http.ResponseWriter, r *http.Request) {
	if !s.haveFindings(w) {
		return
	}
	p := r.URL.Query()
	f := state.Filter{Severity: p.Get("severity"), Detector: p.Get("detector"), Tactic: p.Get("tactic"), Text: p.Get("q")}
	if v := p.Get("status"); v != "" {
		f.Status = strings.Split(v, ",")
	}
	var err error
	if f.Since, err = parseSince(p.Get("since")); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if f.Limit, f.Offset, err = paging(p.Get("limit"), p.Get("offset")); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	fs, err := s.deps.Findings.List(r.Context(), f)
	if err != nil {
		s.stateError(w, err)
		return
	}
	if p.Get("format") == "csv" || r.Header.Get("Accept") == "text/csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		writeFindingsCSV(w, fs)
		return
	}
	answer := map[string]any{"findings": fs}
	if len(fs) == f.Limit {
		answer["next_offset"] = f.Offset + f.Limit
	}
	writeJSON(w, http.StatusOK, answer)
}

func writeFindingsCSV(w http.ResponseWriter, fs []state.Finding) {
	cw := csv.NewWriter(w)
	cw.Write(state.FindingColumns)
	for i := range fs {
		cw.Write(fs[i].Row())
	}
	cw.Flush()
}

// finding answers GET /api/v1/findings/{id}.
func (s *Server) finding(w http.ResponseWriter, r *http.Request) {
	if !s.haveFindings(w) {
		return
	}
	f, err := s.deps.Findings.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.stateError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// findingStatus answers POST /api/v1/findings/{id}/status with {status, note, author}.
func (s *Server) findingStatus(w http.ResponseWriter, r *http.Request) {
	if !s.haveFindings(w) {
		return
	}
	var body struct{ Status, Note, Author string }
	if !readBody(w, r, &body) {
		return
	}
	f, err := s.deps.Findings.SetStatus(r.Context(), r.PathValue("id"), body.Status, actorOf(r, body.Author), body.Note)
	if err != nil {
		s.stateError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// findingComments answers GET /api/v1/findings/{id}/comments.
func (s *Server) findingComments(w http.ResponseWriter, r *http.Request) {
	if !s.haveFindings(w) {
		return
	}
	// Get, not Comments: an unknown id is a 404, not an empty list.
	f, err := s.deps.Findings.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.stateError(w, err)
		return
	}
	if f.Comments == nil {
		f.Comments = []state.Comment{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"comments": f.Comments})
}

// addFindingComment answers POST /api/v1/findings/{id}/comments with {text, author}.
func (s *Server) addFindingComment(w http.ResponseWriter, r *http.Request) {
	if !s.haveFindings(w) {
		return
	}
	var body struct{ Text, Author string }
	if !readBody(w, r, &body) {
		return
	}
	c, err := s.deps.Findings.AddComment(r.Context(), r.PathValue("id"), actorOf(r, body.Author), body.Text)
	if err != nil {
		s.stateError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// audit answers GET /api/v1/audit?actor=&action=&target=&since=&limit=&offset=.
func (s *Server) audit(w http.ResponseWriter, r *http.Request) {
	if !s.haveFindings(w) {
		return
	}
	p := r.URL.Query()
	f := state.AuditFilter{Actor: p.Get("actor"), Action: p.Get("action"), Target: p.Get("target")}
	var err error
	if f.Since, err = parseSince(p.Get("since")); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if f.Limit, f.Offset, err = paging(p.Get("limit"), p.Get("offset")); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	es, err := s.deps.Findings.Audit(r.Context(), f)
	if err != nil {
		s.stateError(w, err)
		return
	}
	answer := map[string]any{"entries": es}
	if len(es) == f.Limit {
		answer["next_offset"] = f.Offset + f.Limit
	}
	writeJSON(w, http.StatusOK, answer)
}

// huntNow answers POST /api/v1/hunts?window=24h&until=RFC3339.
func (s *Server) huntNow(w http.ResponseWriter, r *http.Request) {
	if s.deps.Hunter == nil {
		writeError(w, http.StatusServiceUnavailable, "no hunts on this server")
		return
	}
	p := r.URL.Query()
	from, until, err := s.timeRange(p.Get("window"), p.Get("until"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	rep, err := s.deps.Hunter.Hunt(r.Context(), until, until.Sub(from))
	if err != nil {
		s.logger.Error("hunt", "err", err)
		writeError(w, http.StatusInternalServerError, "hunt failed: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (s *Server) haveFindings(w http.ResponseWriter) bool {
	if s.deps.Findings == nil {
		writeError(w, http.StatusServiceUnavailable, "no state store on this server")
		return false
	}
	return true
}

// stateError maps the state store's errors to HTTP.
func (s *Server) stateError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, state.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, state.ErrInvalid):
		writeError(w, http.StatusBadRequest, err.Error())
	default:
		s.logger.Error("state store", "err", err)
		writeError(w, http.StatusInternalServerError, "state store failed")
	}
}

// maxBody is the largest JSON body a write takes: a comment is at most
// state.MaxCommentLen characters of up to 4 bytes, and some room.
const maxBody = 4*state.MaxCommentLen + 4096

// readBody decodes a JSON object into v, answering 400 when it cannot.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "body: want a JSON object: "+err.Error())
		return false
	}
	return true
}

func parseSince(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, fmt.Errorf("since %q: want RFC 3339, like 2026-01-15T00:00:00Z", v)
	}
	return t, nil
}

func paging(limit, offset string) (int, int, error) {
	l, o := 100, 0
	var err error
	if limit != "" {
		if l, err = strconv.Atoi(limit); err != nil || l <= 0 || l > state.MaxLimit {
			return 0, 0, fmt.Errorf("limit: want a number from 1 to %d", state.MaxLimit)
		}
	}
	if offset != "" {
		if o, err = strconv.Atoi(offset); err != nil || o < 0 || o > 1_000_000 {
			return 0, 0, errors.New("offset: want a number from 0 to 1000000")
		}
	}
	return l, o, nil
}
