package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weirhq/weir/enforce/nftables"
)

type recordingApplier struct {
	mu     sync.Mutex
	states []nftables.State
}

func (r *recordingApplier) Apply(s nftables.State) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.states = append(r.states, s)
	return nil
}

func (r *recordingApplier) applied() []nftables.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]nftables.State(nil), r.states...)
}

// TestAgentFollowsTheServer: the agent applies what the server says, only when
// it changes, and keeps the last state while the server is away.
func TestAgentFollowsTheServer(t *testing.T) {
	var phase atomic.Int32 // 0 free, 1 quarantined, 2 server down, 3 released
	var mu sync.Mutex
	var reports []agentReport
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, `{"error":"no"}`, http.StatusUnauthorized)
			return
		}
		if phase.Load() == 2 {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		switch r.URL.Path {
		case "/api/v1/agents/HQ-WS-003/report":
			var rep agentReport
			if err := json.NewDecoder(r.Body).Decode(&rep); err != nil {
				t.Errorf("report: %v", err)
			}
			mu.Lock()
			reports = append(reports, rep)
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		case "/api/v1/quarantine/desired/HQ-WS-003":
			if phase.Load() == 1 {
				w.Write([]byte(`{"workload":"HQ-WS-003","isolate":true,"quarantine_id":"q-1","allow":["10.10.5.5","10.99.0.0/16"],"dns":true}`))
			} else {
				w.Write([]byte(`{"workload":"HQ-WS-003","isolate":false,"allow":[],"dns":false}`))
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	g := &globals{server: srv.URL, token: "tok"}
	server, err := serverAddr(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingApplier{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runAgent(ctx, g, rec, "HQ-WS-003", server, 5*time.Millisecond) }()
	wait := func(n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for len(rec.applied()) < n {
			if time.Now().After(deadline) {
				t.Fatalf("applied %d states, want %d", len(rec.applied()), n)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	wait(1) // free
	phase.Store(1)
	wait(2) // quarantined
	phase.Store(2)
	time.Sleep(50 * time.Millisecond) // the server is away for a while: nothing changes
	if n := len(rec.applied()); n != 2 {
		t.Errorf("while the server was away the agent applied %d states, want still 2", n)
	}
	phase.Store(3)
	wait(3) // released
	cancel()
	<-done
	got := rec.applied()
	want := nftables.State{Quarantined: true, AllowDNS: true, Server: server,
		Allow: []netip.Prefix{netip.MustParsePrefix("10.10.5.5/32"), netip.MustParsePrefix("10.99.0.0/16")}}
	if got[0].Quarantined || !sameState(got[1], want) || got[2].Quarantined {
		t.Errorf("applied %+v; want free, %+v, free", got, want)
	}
	// The server heard, in order, free, then enforcing q-1, then free again.
	mu.Lock()
	defer mu.Unlock()
	var seen []string
	for _, r := range reports {
		s := "free"
		if r.Isolate {
			s = "isolating " + r.QuarantineID
		}
		if r.Version == "" || r.Error != "" {
			t.Errorf("report %+v", r)
		}
		if len(seen) == 0 || seen[len(seen)-1] != s {
			seen = append(seen, s)
		}
	}
	if !slices.Equal(seen, []string{"free", "isolating q-1", "free"}) {
		t.Errorf("reports say %v", seen)
	}
}
