package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
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
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" || r.URL.Path != "/api/v1/quarantine/desired/HQ-WS-003" {
			http.Error(w, `{"error":"no"}`, http.StatusUnauthorized)
			return
		}
		switch phase.Load() {
		case 1:
			w.Write([]byte(`{"workload":"HQ-WS-003","isolate":true,"allow":["10.10.5.5","10.99.0.0/16"],"dns":true}`))
		case 2:
			http.Error(w, "down", http.StatusBadGateway)
		default:
			w.Write([]byte(`{"workload":"HQ-WS-003","isolate":false,"allow":[],"dns":false}`))
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
}
