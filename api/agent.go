package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/agent"
)

// AgentReader writes the Insights Agent's summaries (package agent's *Agent). It
// is called concurrently; an unknown persona is agent.ErrUnknownPersona.
type AgentReader interface {
	Summaries(ctx context.Context, persona string, now time.Time) ([]agent.Summary, error)
}

// agentRoutes are the Insights Agent's endpoints, answered by a (503 when nil)
// as of now(). They take their dependencies as arguments rather than from
// Server so that this file stands alone.
func agentRoutes(a AgentReader, now func() time.Time, logger *slog.Logger) []route {
	h := &agentHandler{agent: a, now: now, logger: logger}
	return []route{
		{method: "GET", path: "/api/v1/agent/summaries", handler: h.summaries,
			summary: "The Insights Agent's summary per persona: attention level, ATT&CK tags, a narrative naming the IPs, workloads, volumes and countries, links to the findings, analysts' comments",
			params: []param{{name: "persona", in: "query", typ: "string", doc: "one persona; every persona when empty",
				enum: agent.Personas}},
			responses: map[string]string{"400": "an unknown persona (the answer lists the valid ones)",
				"503": "no agent on this server"}},
	}
}

type agentHandler struct {
	agent  AgentReader
	now    func() time.Time
	logger *slog.Logger
}

// summaries answers GET /api/v1/agent/summaries?persona=: {"summaries": [...]}.
func (h *agentHandler) summaries(w http.ResponseWriter, r *http.Request) {
	if h.agent == nil {
		writeError(w, http.StatusServiceUnavailable, "the agent is not available on this server")
		return
	}
	persona := r.URL.Query().Get("persona")
	ss, err := h.agent.Summaries(r.Context(), persona, h.now())
	switch {
	case errors.Is(err, agent.ErrUnknownPersona):
		writeError(w, http.StatusBadRequest, "unknown persona "+strconv.Quote(persona)+": want one of "+strings.Join(agent.Personas, ", "))
		return
	case err != nil:
		h.logger.Error("agent summaries", "persona", persona, "error", err)
		writeError(w, http.StatusInternalServerError, "could not read the findings")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"summaries": ss})
}
