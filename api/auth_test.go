package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/weirhq/weir/auth"
	"github.com/weirhq/weir/quarantine"
	"github.com/weirhq/weir/state"
)

// TestRoles: each named token does what its role allows and no more; writes
// are recorded as the token's name whatever the body claims.
func TestRoles(t *testing.T) {
	ctx := context.Background()
	st, ss, m := quarantineEnv(t, []quarantine.Enforcer{&quarantine.Agents{Clouds: []string{"onprem"}}},
		map[string]quarantine.Workload{
			"db-1":  {Name: "db-1", Cloud: "onprem", IPs: []netip.Addr{netip.MustParseAddr("10.0.0.6")}},
			"web-1": {Name: "web-1", Cloud: "onprem", IPs: []netip.Addr{netip.MustParseAddr("10.0.0.5")}},
		})
	srv := httptest.NewServer(New(slog.New(slog.DiscardHandler), Configuration{Tokens: []string{"root-secret"}},
		Dependencies{Flows: st, Findings: ss, Quarantine: m, Tokens: ss}).Handler())
	defer srv.Close()
	call := func(tok, method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	mint := func(name string, role auth.Role) string {
		t.Helper()
		code, v := call("root-secret", "POST", "/api/v1/tokens", `{"name":"`+name+`","role":"`+string(role)+`"}`)
		tok, _ := v["token"].(string)
		if code != http.StatusCreated || !strings.HasPrefix(tok, "weir_") || v["role"] != string(role) {
			t.Fatalf("create %s token: %d %v", role, code, v)
		}
		return tok
	}
	viewer, analyst, responder, agent := mint("vic", auth.Viewer), mint("ana", auth.Analyst), mint("rob", auth.Responder),
		mint("db-1", auth.Agent)

	if code, v := call(viewer, "GET", "/api/v1/whoami", ""); code != 200 || v["name"] != "vic" || v["role"] != "viewer" {
		t.Errorf("whoami: %d %v", code, v)
	}
	quarantineDB := `{"workload":"db-1","reason":"beaconing","actor":"mallory"}`
	for _, tok := range []string{viewer, analyst, agent} {
		if code, v := call(tok, "POST", "/api/v1/quarantine", quarantineDB); code != http.StatusForbidden ||
			!strings.Contains(v["error"].(string), "needs the responder role") {
			t.Errorf("quarantine with a lesser token: %d %v", code, v)
		}
	}
	code, q := call(responder, "POST", "/api/v1/quarantine", quarantineDB)
	if code != http.StatusCreated || q["created_by"] != "rob" {
		t.Fatalf("quarantine by a responder: %d %v; want it recorded as rob, not the body's actor", code, q)
	}
	if code, _ := call(viewer, "GET", "/api/v1/quarantine", ""); code != 200 {
		t.Errorf("a viewer lists quarantines: %d", code)
	}
	if code, _ := call(viewer, "POST", "/api/v1/tokens", `{"name":"x","role":"admin"}`); code != http.StatusForbidden {
		t.Errorf("a viewer mints a token: %d", code)
	}
	if code, _ := call(responder, "GET", "/api/v1/tokens", ""); code != http.StatusForbidden {
		t.Errorf("a responder lists tokens: %d", code)
	}
	// An agent's token acts for its own workload only, and only as an agent.
	if code, d := call(agent, "GET", "/api/v1/quarantine/desired/db-1", ""); code != 200 || d["workload"] != "db-1" {
		t.Errorf("agent's own desired state: %d %v", code, d)
	}
	if code, _ := call(agent, "GET", "/api/v1/quarantine/desired/web-1", ""); code != http.StatusForbidden {
		t.Errorf("agent reads another workload: %d", code)
	}
	if code, _ := call(agent, "POST", "/api/v1/agents/web-1/report", `{"isolate":false}`); code != http.StatusForbidden {
		t.Errorf("agent reports for another workload: %d", code)
	}
	if code, _ := call(agent, "GET", "/api/v1/flows", ""); code != http.StatusForbidden {
		t.Errorf("agent reads flows: %d", code)
	}
	if code, _ := call(responder, "GET", "/api/v1/quarantine/desired/db-1", ""); code != http.StatusForbidden {
		t.Errorf("a responder pulls an agent's state: %d", code)
	}
	// Revoked: at once, 401.
	_, list := call("root-secret", "GET", "/api/v1/tokens", "")
	var robID string
	for _, tk := range list["tokens"].([]any) {
		if tk := tk.(map[string]any); tk["name"] == "rob" {
			robID = tk["id"].(string)
		}
		if _, leaked := tk.(map[string]any)["token"]; leaked {
			t.Errorf("the token list shows a secret: %v", tk)
		}
	}
	if code, _ := call("root-secret", "POST", "/api/v1/tokens/"+robID+"/revoke", ""); code != 200 {
		t.Errorf("revoke: %d", code)
	}
	if code, _ := call("root-secret", "POST", "/api/v1/tokens/"+robID+"/revoke", ""); code != http.StatusConflict {
		t.Errorf("revoke twice: %d", code)
	}
	if code, _ := call(responder, "GET", "/api/v1/whoami", ""); code != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", code)
	}
	if code, _ := call("root-secret", "POST", "/api/v1/tokens", `{"name":"x","role":"root"}`); code != http.StatusBadRequest {
		t.Errorf("an unknown role: %d", code)
	}
	entries, err := ss.Audit(ctx, state.AuditFilter{Action: "quarantine.request"})
	if err != nil || len(entries) != 1 || entries[0].Actor != "rob" {
		t.Errorf("audit of the request: %+v %v", entries, err)
	}
}
