package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/agent"
	"github.com/weirhq/weir/detect"
)

type fakeFindings struct{ fs []agent.Tracked }

func (f fakeFindings) Findings(ctx context.Context) ([]agent.Tracked, error) { return f.fs, nil }

type brokenAgent struct{}

func (brokenAgent) Summaries(ctx context.Context, persona string, now time.Time) ([]agent.Summary, error) {
	return nil, errors.New("state store down")
}

func agentServer(t *testing.T, a AgentReader) *httptest.Server {
	t.Helper()
	base := time.Date(2026, 1, 14, 12, 30, 0, 0, time.UTC)
	mux := http.NewServeMux()
	for _, rt := range agentRoutes(a, func() time.Time { return base }, slog.New(slog.DiscardHandler)) {
		mux.Handle(rt.method+" "+rt.path, rt.handler)
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestAgentSummaries(t *testing.T) {
	base := time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)
	a, err := agent.New(slog.New(slog.DiscardHandler), agent.Configuration{}, agent.Dependencies{Findings: fakeFindings{fs: []agent.Tracked{
		{Finding: detect.Finding{ID: "f-1", Detector: "exfiltration", Title: "egress", Tactics: []string{"TA0010"}, Severity: detect.Critical,
			Score: 95, FirstSeen: base, LastSeen: base, Entities: detect.Entities{Workloads: []string{"CRM-Prod-DB1"}},
			Evidence: detect.Evidence{Bytes: 15_600_000_000, Countries: []string{"BR", "CN", "RU"}}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := agentServer(t, a)
	for _, tc := range []struct {
		name, query string
		code        int
		personas    []string
		contains    string
	}{
		{name: "all personas", query: "", code: 200, personas: agent.Personas, contains: `"attention":"CRITICAL"`},
		{name: "one persona", query: "?persona=data-protection", code: 200, personas: []string{"data-protection"},
			contains: "Bulk data egress (TA0010 Exfiltration) from CRM-Prod-DB1: 15.6 GB to 3 countries"},
		{name: "unknown persona", query: "?persona=ciso", code: 400,
			contains: `unknown persona \"ciso\": want one of threat-hunting, incident-response, data-protection, compliance`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := get(t, ts.URL+"/api/v1/agent/summaries"+tc.query, "")
			if code != tc.code || !strings.Contains(body, tc.contains) {
				t.Fatalf("%d %s, want %d containing %s", code, body, tc.code, tc.contains)
			}
			if tc.personas == nil {
				return
			}
			var out struct{ Summaries []agent.Summary }
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range out.Summaries {
				got = append(got, s.Persona)
			}
			if strings.Join(got, ",") != strings.Join(tc.personas, ",") {
				t.Errorf("personas %v, want %v", got, tc.personas)
			}
		})
	}
}

func TestAgentSummariesUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    AgentReader
		code int
	}{
		{"no agent", nil, http.StatusServiceUnavailable},
		{"store down", brokenAgent{}, http.StatusInternalServerError},
	} {
		code, body := get(t, agentServer(t, tc.a).URL+"/api/v1/agent/summaries", "")
		if code != tc.code || strings.Contains(body, "state store down") {
			t.Errorf("%s: %d %s, want %d without the internal error", tc.name, code, body, tc.code)
		}
	}
}
