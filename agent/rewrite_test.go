package agent

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// chatServer speaks the chat completions protocol; answer turns the summary it
// was sent into the reply (or writes the error itself and returns "").
type chatServer struct {
	calls  atomic.Int32
	answer func(w http.ResponseWriter, r *http.Request, summary string) string
	t      *testing.T
}

func (c *chatServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.calls.Add(1)
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		c.t.Errorf("%s %s, want POST /v1/chat/completions", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer k3y" {
		c.t.Errorf("Authorization %q", got)
	}
	var req chatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "tiny" || len(req.Messages) != 2 {
		c.t.Errorf("request %+v (%v)", req, err)
		http.Error(w, "bad request", 400)
		return
	}
	_, summary, _ := strings.Cut(req.Messages[1].Content, "Summary:\n")
	if !strings.Contains(req.Messages[1].Content, "Facts to keep verbatim: ") {
		c.t.Errorf("the prompt gives no facts: %s", req.Messages[1].Content)
	}
	text := c.answer(w, r, summary)
	if text == "" {
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"id": "x", "object": "chat.completion",
		"choices": []any{map[string]any{"index": 0, "message": map[string]string{"role": "assistant", "content": text}, "finish_reason": "stop"}}})
}

func TestRewrite(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request, summary string) string
		source string // narrative_source wanted
		want   string // in the narrative
		paused bool   // the endpoint is left alone afterwards
	}{
		{name: "good rewording", source: "model", want: "Heads up:",
			answer: func(w http.ResponseWriter, r *http.Request, s string) string {
				return "\"Heads up: " + strings.ReplaceAll(s, "first seen", "first observed") + "\""
			}},
		{name: "drops a fact", source: "deterministic", want: "Bulk data egress",
			answer: func(w http.ResponseWriter, r *http.Request, s string) string {
				return strings.ReplaceAll(s, "15.6 GB", "a lot of data")
			}},
		{name: "invents a number", source: "deterministic", want: "Bulk data egress",
			answer: func(w http.ResponseWriter, r *http.Request, s string) string {
				return s + " About 40 TB may follow."
			}},
		{name: "changes an IP", source: "deterministic", want: "203.0.113.7",
			answer: func(w http.ResponseWriter, r *http.Request, s string) string {
				return strings.ReplaceAll(s, "203.0.113.7", "203.0.113.8")
			}},
		{name: "500", source: "deterministic", want: "Bulk data egress", paused: true,
			answer: func(w http.ResponseWriter, r *http.Request, s string) string {
				http.Error(w, "model not loaded", http.StatusInternalServerError)
				return ""
			}},
		{name: "not JSON", source: "deterministic", want: "Bulk data egress", paused: true,
			answer: func(w http.ResponseWriter, r *http.Request, s string) string {
				w.Write([]byte("<html>"))
				return ""
			}},
		{name: "slow", source: "deterministic", want: "Bulk data egress", paused: true,
			answer: func(w http.ResponseWriter, r *http.Request, s string) string {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
				return ""
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := &chatServer{answer: tc.answer, t: t}
			ts := httptest.NewServer(cs)
			defer ts.Close()
			cfg := Configuration{Rewrite: OpenAICompatible{BaseURL: ts.URL + "/v1/", Model: "tiny", APIKey: "k3y", Timeout: 200 * time.Millisecond}}
			a, err := New(slog.New(slog.DiscardHandler), cfg, Dependencies{Findings: &fakeFindings{fs: loadFindings(t)}})
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := newAgent(t, loadFindings(t), nil).Summaries(context.Background(), DataProtection, now)

			t0 := time.Now()
			ss, err := a.Summaries(context.Background(), DataProtection, now)
			if err != nil {
				t.Fatal(err)
			}
			if took := time.Since(t0); took > 2*time.Second {
				t.Errorf("took %v: the timeout did not hold", took)
			}
			s := ss[0]
			if s.NarrativeSource != tc.source || !strings.Contains(s.Narrative, tc.want) {
				t.Errorf("narrative (%s) lacks %q:\n%s", s.NarrativeSource, tc.want, s.Narrative)
			}
			if tc.source == "deterministic" && s.Narrative != plain[0].Narrative {
				t.Errorf("fallback differs from the deterministic text:\n%s\n%s", s.Narrative, plain[0].Narrative)
			}
			if tc.source == "model" && strings.HasPrefix(s.Narrative, "\"") {
				t.Errorf("quotes kept: %s", s.Narrative)
			}
			// Asking again: a rewording (or a refusal) is remembered; a failed
			// endpoint is paused. Either way no second call.
			if _, err := a.Summaries(context.Background(), DataProtection, now.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			if n := cs.calls.Load(); n != 1 {
				t.Errorf("%d calls, want 1", n)
			}
			a.mu.Lock()
			paused := now.Before(a.pauseUntil)
			a.mu.Unlock()
			if paused != tc.paused {
				t.Errorf("paused = %v, want %v", paused, tc.paused)
			}
		})
	}
}

func TestRewriteResumesAfterCooldown(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	cs := &chatServer{t: t, answer: func(w http.ResponseWriter, r *http.Request, s string) string {
		if fail.Load() {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return ""
		}
		return s
	}}
	ts := httptest.NewServer(cs)
	defer ts.Close()
	a, err := New(slog.New(slog.DiscardHandler), Configuration{RewriteCooldown: time.Minute,
		Rewrite: OpenAICompatible{BaseURL: ts.URL, Model: "tiny", APIKey: "k3y"}}, Dependencies{Findings: &fakeFindings{fs: loadFindings(t)}})
	if err != nil {
		t.Fatal(err)
	}
	a.Summaries(context.Background(), Compliance, now)
	fail.Store(false)
	ss, _ := a.Summaries(context.Background(), Compliance, now.Add(30*time.Second))
	if cs.calls.Load() != 1 || ss[0].NarrativeSource != "deterministic" {
		t.Fatalf("within the cooldown: %d calls, source %s", cs.calls.Load(), ss[0].NarrativeSource)
	}
	ss, _ = a.Summaries(context.Background(), Compliance, now.Add(61*time.Second))
	if cs.calls.Load() != 2 || ss[0].NarrativeSource != "model" {
		t.Errorf("after the cooldown: %d calls, source %s", cs.calls.Load(), ss[0].NarrativeSource)
	}
}

func TestCheckRewrite(t *testing.T) {
	orig := "Bulk data egress from CRM-Prod-DB1: 15.6 GB to 3 countries (BR, CN and RU) at 02:10 UTC."
	facts := []string{"CRM-Prod-DB1", "15.6 GB", "BR", "CN", "RU", "15.6", "3", "02:10"}
	for _, tc := range []struct {
		text string
		want error
	}{
		{"CRM-Prod-DB1 sent 15.6 GB to 3 countries — BR, CN, RU — from 02:10 UTC.", nil},
		{"", errEmpty},
		{strings.Repeat("x", 1000), errTooLong},
		{"CRM-Prod-DB1 sent 15.6 GB to BR, CN, RU at 02:10 UTC.", errLostFact}, // the 3 is gone
		{"CRM-Prod-DB1 sent 15.6 GB to 3 countries (BR, CN, RU) at 02:10 UTC, 4 times.", errNewFact},
	} {
		if err := checkRewrite(orig, facts, tc.text); !errors.Is(err, tc.want) {
			t.Errorf("checkRewrite(%q) = %v, want %v", tc.text, err, tc.want)
		}
	}
}

func TestRewriteConfig(t *testing.T) {
	for _, cfg := range []OpenAICompatible{{BaseURL: "ftp://x", Model: "m"}, {BaseURL: "http://127.0.0.1:1"}, {BaseURL: "::", Model: "m"}} {
		if _, err := New(slog.New(slog.DiscardHandler), Configuration{Rewrite: cfg}, Dependencies{Findings: &fakeFindings{}}); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
	if got := (&OpenAICompatible{BaseURL: "http://h:1/v1/"}).endpoint(); got != "http://h:1/v1/chat/completions" {
		t.Errorf("endpoint %s", got)
	}
}
