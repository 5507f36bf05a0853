package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/weirhq/weir/auth"
	"github.com/weirhq/weir/quarantine"
)

// Quarantiner is the quarantine workflow the API drives (*quarantine.Manager).
type Quarantiner interface {
	Request(ctx context.Context, r quarantine.Request) (quarantine.Quarantine, bool, error)
	Release(ctx context.Context, id, actor, reason string) (quarantine.Quarantine, error)
	Get(ctx context.Context, id string) (quarantine.Quarantine, error)
	List(ctx context.Context, f quarantine.Filter) ([]quarantine.Quarantine, error)
	DesiredState(ctx context.Context, workload string) (quarantine.Desired, error)
	Workload(name string) (quarantine.Workload, bool)
	ReportAgent(r quarantine.AgentReport) error
	AgentReports() []quarantine.AgentReport
}

// dashboardRow is a quarantine with what the inventory says of its workload: the
// quarantine dashboard's row.
type dashboardRow struct {
	quarantine.Quarantine
	Kind    string            `json:"kind,omitempty"`
	Cloud   string            `json:"cloud,omitempty"`
	Account string            `json:"account,omitempty"`
	Region  string            `json:"region,omitempty"`
	Labels  map[string]string `json:"labels,omitempty"`
}

func (s *Server) quarantineRoutes() []route {
	id := param{name: "id", in: "path", typ: "string", doc: "the quarantine's id"}
	return []route{
		{method: "POST", path: "/api/v1/quarantine", role: auth.Responder, handler: s.quarantineRequest,
			summary: "Quarantine a workload: body {workload, reason, allow: [IPs, CIDRs or workloads], expires (RFC 3339), actor (on whose behalf, with the server's own token only)}",
			responses: map[string]string{"201": "requested", "200": "already quarantined (the active quarantine)",
				"400": "bad request", "404": "unknown workload", "503": "no quarantine on this server"}},
		{method: "GET", path: "/api/v1/quarantine", handler: s.quarantineList,
			summary: "Quarantines, newest first, with their workload's kind, cloud, account, region and labels (the dashboard)",
			params: []param{q("workload", "string", "this workload's"),
				q("state", "string", "any of these states, comma-separated: "+strings.Join(quarantine.States, ", "))}},
		{method: "GET", path: "/api/v1/quarantine/{id}", handler: s.quarantineGet, summary: "One quarantine",
			params: []param{id}, responses: map[string]string{"404": "no quarantine with this id"}},
		{method: "POST", path: "/api/v1/quarantine/{id}/release", role: auth.Responder, handler: s.quarantineRelease,
			summary: "Release a quarantine: body {reason, actor}", params: []param{id},
			responses: map[string]string{"404": "no quarantine with this id", "409": "not quarantined, or already releasing"}},
		{method: "GET", path: "/api/v1/quarantine/desired/{workload}", role: auth.Agent, handler: s.quarantineDesired,
			summary: "What a host agent must enforce for a workload", params: []param{{name: "workload", in: "path", typ: "string"}}},
		{method: "POST", path: "/api/v1/agents/{workload}/report", role: auth.Agent, handler: s.agentReport,
			summary:   "A host agent reports what it enforces: body {isolate, quarantine_id, error, version}",
			params:    []param{{name: "workload", in: "path", typ: "string"}},
			responses: map[string]string{"400": "bad body, or no agents enforcer on this server", "404": "unknown workload"}},
		{method: "GET", path: "/api/v1/agents", handler: s.agentList,
			summary: "The host agents' last reports: what each enforces and when it was last seen"},
	}
}

// quarantineStatus maps the workflow's errors to HTTP statuses, in one place.
func quarantineStatus(err error) int {
	switch {
	case errors.Is(err, quarantine.ErrUnknownWorkload), errors.Is(err, quarantine.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, quarantine.ErrNotQuarantined), errors.Is(err, quarantine.ErrReleasing):
		return http.StatusConflict
	case errors.Is(err, quarantine.ErrInvalid), errors.Is(err, quarantine.ErrNoEnforcer):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func (s *Server) quarantineError(w http.ResponseWriter, err error) {
	code := quarantineStatus(err)
	msg := err.Error()
	if code == http.StatusInternalServerError {
		s.logger.Error("quarantine", "err", err)
		msg = "quarantine failed"
	}
	writeError(w, code, msg)
}

func (s *Server) quarantines(w http.ResponseWriter) bool {
	if s.deps.Quarantine == nil {
		writeError(w, http.StatusServiceUnavailable, "no quarantine on this server")
		return false
	}
	return true
}

func (s *Server) quarantineRequest(w http.ResponseWriter, r *http.Request) {
	if !s.quarantines(w) {
		return
	}
	var body struct {
		Workload string   `json:"workload"`
		Reason   string   `json:"reason"`
		Allow    []string `json:"allow"`
		Expires  string   `json:"expires"`
		Actor    string   `json:"actor"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "body: want JSON {workload, reason, allow, expires, actor}: "+err.Error())
		return
	}
	req := quarantine.Request{Workload: body.Workload, Reason: body.Reason, Allow: body.Allow, Actor: actorOf(r, body.Actor)}
	if body.Expires != "" {
		t, err := time.Parse(time.RFC3339, body.Expires)
		if err != nil {
			writeError(w, http.StatusBadRequest, "expires: want RFC 3339, like 2026-01-15T00:00:00Z")
			return
		}
		req.Expires = t
	}
	q, created, err := s.deps.Quarantine.Request(r.Context(), req)
	if err != nil {
		s.quarantineError(w, err)
		return
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	writeJSON(w, code, q)
}

func (s *Server) quarantineList(w http.ResponseWriter, r *http.Request) {
	if !s.quarantines(w) {
		return
	}
	f := quarantine.Filter{Workload: r.URL.Query().Get("workload")}
	if v := r.URL.Query().Get("state"); v != "" {
		f.States = strings.Split(v, ",")
	}
	qs, err := s.deps.Quarantine.List(r.Context(), f)
	if err != nil {
		s.quarantineError(w, err)
		return
	}
	rows := make([]dashboardRow, len(qs))
	for i, q := range qs {
		rows[i] = dashboardRow{Quarantine: q}
		if wl, ok := s.deps.Quarantine.Workload(q.Workload); ok {
			rows[i].Kind, rows[i].Cloud, rows[i].Account, rows[i].Region, rows[i].Labels = wl.Kind, wl.Cloud, wl.Account, wl.Region, wl.Labels
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"quarantines": rows})
}

func (s *Server) quarantineGet(w http.ResponseWriter, r *http.Request) {
	if !s.quarantines(w) {
		return
	}
	q, err := s.deps.Quarantine.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.quarantineError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, q)
}

func (s *Server) quarantineRelease(w http.ResponseWriter, r *http.Request) {
	if !s.quarantines(w) {
		return
	}
	var body struct {
		Reason string `json:"reason"`
		Actor  string `json:"actor"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, "body: want JSON {reason, actor}: "+err.Error())
			return
		}
	}
	q, err := s.deps.Quarantine.Release(r.Context(), r.PathValue("id"), actorOf(r, body.Actor), body.Reason)
	if err != nil {
		s.quarantineError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, q)
}

func (s *Server) quarantineDesired(w http.ResponseWriter, r *http.Request) {
	if !s.quarantines(w) {
		return
	}
	if !agentMayAct(w, r, r.PathValue("workload")) {
		return
	}
	d, err := s.deps.Quarantine.DesiredState(r.Context(), r.PathValue("workload"))
	if err != nil {
		s.quarantineError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) agentReport(w http.ResponseWriter, r *http.Request) {
	if !s.quarantines(w) {
		return
	}
	name := r.PathValue("workload")
	if !agentMayAct(w, r, name) {
		return
	}
	if _, ok := s.deps.Quarantine.Workload(name); !ok {
		writeError(w, http.StatusNotFound, "unknown workload "+name)
		return
	}
	var rep quarantine.AgentReport
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&rep); err != nil {
		writeError(w, http.StatusBadRequest, "body: want JSON {isolate, quarantine_id, error, version}: "+err.Error())
		return
	}
	rep.Workload = name
	if err := s.deps.Quarantine.ReportAgent(rep); err != nil {
		s.quarantineError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) agentList(w http.ResponseWriter, r *http.Request) {
	if !s.quarantines(w) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"agents": s.deps.Quarantine.AgentReports()})
}
