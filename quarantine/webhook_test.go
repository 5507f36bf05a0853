package quarantine

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestWebhook(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		wantErr       bool
		wantPermanent bool
	}{
		{"ok", http.StatusOK, false, false},
		{"accepted", http.StatusAccepted, false, false},
		{"rejected", http.StatusBadRequest, true, true},
		{"rate limited", http.StatusTooManyRequests, true, false},
		{"down", http.StatusServiceUnavailable, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got WebhookEvent
			var auth, ctype, key string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				auth, ctype, key = r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("Idempotency-Key")
				if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
					t.Errorf("decode body: %v", err)
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			h, err := NewWebhook(WebhookConfiguration{URL: srv.URL + "/hook", Headers: map[string]string{"Authorization": "Bearer s3cret"}})
			if err != nil {
				t.Fatal(err)
			}
			q := Quarantine{ID: "q-1", Workload: "web-1", Allow: []string{"10.0.9.1"}}
			tgt := Target{Quarantine: q, Workload: inventory["web-1"], Allow: []netip.Prefix{netip.MustParsePrefix("10.0.9.1/32")}}
			err = h.Apply(context.Background(), tgt)
			if (err != nil) != tt.wantErr || errors.Is(err, ErrPermanent) != tt.wantPermanent {
				t.Errorf("Apply: %v; want error %v, permanent %v", err, tt.wantErr, tt.wantPermanent)
			}
			if got.Action != "quarantine" || got.Quarantine.ID != "q-1" || got.Workload.Name != "web-1" ||
				len(got.Workload.IPs) != 1 || got.Quarantine.Allow[0] != "10.0.9.1" || len(got.Allow) != 1 || got.Allow[0] != "10.0.9.1/32" {
				t.Errorf("event %+v", got)
			}
			if auth != "Bearer s3cret" || ctype != "application/json" || key != "quarantine:q-1" {
				t.Errorf("headers %q %q %q", auth, ctype, key)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the secret: %v", err)
			}
			if err := h.Release(context.Background(), tgt); (err != nil) != tt.wantErr || got.Action != "release" {
				t.Errorf("Release: %v, action %q", err, got.Action)
			}
		})
	}
}

func TestWebhookUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	h, err := NewWebhook(WebhookConfiguration{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Apply(context.Background(), Target{Quarantine: Quarantine{ID: "q-1"}}); err == nil || errors.Is(err, ErrPermanent) {
		t.Errorf("Apply to a closed server: %v; want a transient error", err)
	}
}

func TestWebhookConfig(t *testing.T) {
	for _, u := range []string{"", "ftp://soar/x", "soar.example/hook", "http://"} {
		if _, err := NewWebhook(WebhookConfiguration{URL: u}); err == nil {
			t.Errorf("NewWebhook(%q) accepted", u)
		}
	}
	h, err := NewWebhook(WebhookConfiguration{URL: "https://soar.example/hook", Clouds: []string{"aws"}})
	if err != nil {
		t.Fatal(err)
	}
	if h.Reaches(Workload{Cloud: "azure"}) || !h.Reaches(Workload{Cloud: "aws"}) {
		t.Error("Reaches ignores the configured clouds")
	}
}

// TestWebhookInWorkflow runs a quarantine through the manager to a webhook.
func TestWebhookInWorkflow(t *testing.T) {
	var actions []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev WebhookEvent
		_ = json.NewDecoder(r.Body).Decode(&ev)
		actions = append(actions, ev.Action+" "+ev.Workload.Name)
	}))
	defer srv.Close()
	h, err := NewWebhook(WebhookConfiguration{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	m := e.manager(t, testConfig(), h)
	q := mustRequest(t, m, Request{Workload: "web-1"})
	step(t, m)
	if _, err := m.Release(context.Background(), q.ID, "bob", ""); err != nil {
		t.Fatal(err)
	}
	step(t, m)
	if got := get(t, m, q.ID); got.State != Released || got.Enforcer != "webhook" || len(actions) != 2 ||
		actions[0] != "quarantine web-1" || actions[1] != "release web-1" {
		t.Errorf("state %s by %q, webhook saw %v", got.State, got.Enforcer, actions)
	}
}
