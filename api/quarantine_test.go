package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/quarantine"
	"github.com/weirhq/weir/state"
	"github.com/weirhq/weir/store/duckdb"
)

func TestQuarantineAPI(t *testing.T) {
	ctx := context.Background()
	soar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	defer soar.Close()
	hook, err := quarantine.NewWebhook(quarantine.WebhookConfiguration{URL: soar.URL})
	if err != nil {
		t.Fatal(err)
	}
	st, _, m := quarantineEnv(t, []quarantine.Enforcer{hook}, map[string]quarantine.Workload{"CRM-Prod-DB1": {
		Name: "CRM-Prod-DB1", Cloud: "azure", Kind: "Virtual Machine", Region: "eastus", Labels: map[string]string{"role": "db"},
		IPs: []netip.Addr{netip.MustParseAddr("10.68.1.88")}}})
	srv := httptest.NewServer(New(slog.New(slog.DiscardHandler), Configuration{Tokens: []string{"secret"}},
		Dependencies{Flows: st, Quarantine: m}).Handler())
	defer srv.Close()
	call := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewBufferString(body))
		req.Header.Set("Authorization", "Bearer secret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	code, q := call("POST", "/api/v1/quarantine", `{"workload":"CRM-Prod-DB1","reason":"exfiltration","allow":["10.10.5.5"],"actor":"ana"}`)
	if code != http.StatusCreated || q["state"] != quarantine.Requested {
		t.Fatalf("request: %d %v", code, q)
	}
	id := q["id"].(string)
	if code, again := call("POST", "/api/v1/quarantine", `{"workload":"CRM-Prod-DB1","reason":"again"}`); code != http.StatusOK || again["id"] != id {
		t.Errorf("a second request: %d %v; want 200 with the same quarantine", code, again)
	}
	if code, _ := call("POST", "/api/v1/quarantine", `{"workload":"nope","reason":"x"}`); code != http.StatusNotFound {
		t.Errorf("unknown workload: %d, want 404", code)
	}
	if code, _ := call("POST", "/api/v1/quarantine", `not json`); code != http.StatusBadRequest {
		t.Errorf("bad body: %d, want 400", code)
	}
	// The workflow applies it through the webhook.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := m.Step(ctx); err != nil {
			t.Fatal(err)
		}
		_, got := call("GET", "/api/v1/quarantine/"+id, "")
		if got["state"] == quarantine.Quarantined {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not quarantined: %v", got)
		}
	}
	code, list := call("GET", "/api/v1/quarantine?state=quarantined", "")
	if rows, _ := list["quarantines"].([]any); code != 200 || len(rows) != 1 {
		t.Errorf("list: %d %v", code, list)
	} else if row := rows[0].(map[string]any); row["kind"] != "Virtual Machine" || row["region"] != "eastus" ||
		row["created_by"] != "ana" || row["labels"].(map[string]any)["role"] != "db" {
		t.Errorf("dashboard row %v: want the workload's kind, region, labels and who asked", row)
	}
	if code, d := call("GET", "/api/v1/quarantine/desired/CRM-Prod-DB1", ""); code != 200 || d["isolate"] != true {
		t.Errorf("desired state: %d %v", code, d)
	}
	if code, r := call("POST", "/api/v1/quarantine/"+id+"/release", `{"reason":"contained","actor":"ana"}`); code != 200 || r["state"] != quarantine.Releasing && r["state"] != quarantine.Released {
		t.Errorf("release: %d %v", code, r)
	}
	if code, _ := call("POST", "/api/v1/quarantine/"+id+"/release", `{}`); code != http.StatusConflict {
		t.Errorf("release twice: %d, want 409", code)
	}
	if code, _ := call("GET", "/api/v1/quarantine/q-missing", ""); code != http.StatusNotFound {
		t.Errorf("unknown id: %d, want 404", code)
	}
	// This server has no agents enforcer: a host agent's report is refused, saying why.
	if code, e := call("POST", "/api/v1/agents/CRM-Prod-DB1/report", `{"isolate":false}`); code != http.StatusBadRequest ||
		!strings.Contains(fmt.Sprint(e["error"]), "no agents enforcer") {
		t.Errorf("report without agents: %d %v", code, e)
	}
}

func TestAgentReportAPI(t *testing.T) {
	st, _, m := quarantineEnv(t, []quarantine.Enforcer{&quarantine.Agents{Clouds: []string{"onprem"}}},
		map[string]quarantine.Workload{"HQ-WS-003": {Name: "HQ-WS-003", Cloud: "onprem"}})
	srv := httptest.NewServer(New(slog.New(slog.DiscardHandler), Configuration{Tokens: []string{"secret"}},
		Dependencies{Flows: st, Quarantine: m}).Handler())
	defer srv.Close()
	post := func(path, body string) int {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer secret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/api/v1/agents/HQ-WS-003/report", `{"isolate":true,"quarantine_id":"q-1","version":"dev"}`); code != http.StatusNoContent {
		t.Errorf("report: %d", code)
	}
	if code := post("/api/v1/agents/nope/report", `{}`); code != http.StatusNotFound {
		t.Errorf("unknown workload's report: %d, want 404", code)
	}
	if code := post("/api/v1/agents/HQ-WS-003/report", `{"isolate":"yes"}`); code != http.StatusBadRequest {
		t.Errorf("bad report: %d, want 400", code)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/agents", nil)
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Agents []quarantine.AgentReport }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || len(got.Agents) != 1 ||
		got.Agents[0].QuarantineID != "q-1" || !got.Agents[0].Isolate || got.Agents[0].Workload != "HQ-WS-003" {
		t.Errorf("agents: %v %+v", err, got)
	}
}

// quarantineEnv is a store, its state store and a quarantine Manager over them,
// with enforcers and an inventory of the test's own.
func quarantineEnv(t *testing.T, enforcers []quarantine.Enforcer, workloads map[string]quarantine.Workload) (*duckdb.Store, *state.Store, *quarantine.Manager) {
	t.Helper()
	ctx := context.Background()
	st, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ss, err := state.Open(ctx, st.DB())
	if err != nil {
		t.Fatal(err)
	}
	m, err := quarantine.New(ctx, slog.New(slog.DiscardHandler), quarantine.DefaultConfiguration(), quarantine.Dependencies{
		DB: st.DB(), Enforcers: enforcers, Audit: ss.Record, Flows: st,
		Workloads: func(name string) (quarantine.Workload, bool) { w, ok := workloads[name]; return w, ok }})
	if err != nil {
		t.Fatal(err)
	}
	return st, ss, m
}
