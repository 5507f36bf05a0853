package notify

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
)

var at = time.Date(2026, 1, 14, 12, 30, 0, 0, time.UTC)

func finding(id, severity string) detect.Finding {
	return detect.Finding{ID: id, Detector: "exfiltration", Title: "Bulk egress from CRM-Prod-DB1", Tactics: []string{"TA0010"},
		Techniques: []string{"T1041"}, Severity: severity, Score: 95,
		FirstSeen: time.Date(2026, 1, 14, 2, 10, 0, 0, time.UTC), LastSeen: time.Date(2026, 1, 14, 4, 55, 0, 0, time.UTC),
		Entities: detect.Entities{Sources: []string{"10.20.1.15"}, Destinations: []string{"203.0.113.7", "198.51.100.23"}, Workloads: []string{"CRM-Prod-DB1"}},
		Evidence: detect.Evidence{Flows: 1204, Bytes: 15_600_000_000, Ports: []uint16{443}, Countries: []string{"BR", "CN", "RU"},
			Filter: "src.workload = CRM-Prod-DB1"},
		Summary: "15.6 GB out to 3 countries"}
}

func newNotifier(t *testing.T, cfg Configuration, chans ...Channel) *Notifier {
	t.Helper()
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Millisecond
	}
	n, err := New(slog.New(slog.DiscardHandler), cfg, Dependencies{Channels: chans, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		n.Stop(ctx)
	})
	return n
}

// waitFor polls cond until it holds or 5 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWebhookRetriesThenDelivers(t *testing.T) {
	var calls atomic.Int32
	var got detect.Finding
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			t.Errorf("body: %v", err)
		}
	}))
	defer ts.Close()
	n := newNotifier(t, Configuration{Attempts: 5}, &Webhook{URL: ts.URL + "/hook?token=s3cret"})
	f := finding("f-1", detect.Critical)
	n.Send(f)
	waitFor(t, "delivery", func() bool { return n.Stats()[0].Sent == 1 })
	st := n.Stats()[0]
	if calls.Load() != 3 || st.Retried != 2 || st.Failed != 0 {
		t.Errorf("%d calls, stats %+v; want 3 calls, 2 retries", calls.Load(), st)
	}
	if strings.Contains(st.Name, "s3cret") || !strings.HasPrefix(st.Name, "webhook:127.0.0.1:") {
		t.Errorf("channel name %q", st.Name)
	}
	if diff := cmp.Diff(got, f); diff != "" {
		t.Errorf("posted finding (-got, +want):\n%s", diff)
	}
}

func TestBrokenEndpointNeverBlocks(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		time.Sleep(20 * time.Millisecond)
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer ts.Close()
	n := newNotifier(t, Configuration{QueueSize: 4, Attempts: 3, Backoff: 5 * time.Millisecond}, &Webhook{URL: ts.URL})
	t0 := time.Now()
	for i := range 1000 {
		n.Send(finding("f-"+string(rune('A'+i%26))+string(rune('a'+i/26)), detect.High))
	}
	if took := time.Since(t0); took > 100*time.Millisecond {
		t.Errorf("1000 sends took %v: Send waited on the endpoint", took)
	}
	st := n.Stats()[0]
	if st.Dropped == 0 || st.Queued+st.Dropped != 1000 {
		t.Errorf("stats %+v: want drops, queued+dropped = 1000", st)
	}
	// The worker gives up on each after 3 attempts and goes on to the next.
	waitFor(t, "the first failure", func() bool { return n.Stats()[0].Failed >= 1 })
	if c := calls.Load(); c < 3 {
		t.Errorf("%d calls before the first failure, want 3 attempts", c)
	}
	// Stop does not wait for the broken endpoint beyond its deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	t0 = time.Now()
	n.Stop(ctx)
	if took := time.Since(t0); took > time.Second {
		t.Errorf("Stop took %v", took)
	}
	n.Send(finding("f-after", detect.High)) // after Stop: ignored, no panic
}

func TestPermanentFailureIsNotRetried(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "no such hook", http.StatusNotFound)
	}))
	defer ts.Close()
	n := newNotifier(t, Configuration{Attempts: 5}, &Webhook{URL: ts.URL})
	n.Send(finding("f-1", detect.High))
	waitFor(t, "the failure", func() bool { return n.Stats()[0].Failed == 1 })
	if calls.Load() != 1 || n.Stats()[0].Retried != 0 {
		t.Errorf("%d calls, %d retries; want 1, 0", calls.Load(), n.Stats()[0].Retried)
	}
	// A failed finding is forgotten, so the next hunt tries it again.
	n.Send(finding("f-1", detect.High))
	waitFor(t, "the second failure", func() bool { return n.Stats()[0].Failed == 2 })
}

// recorder is a Channel that remembers what it was given.
type recorder struct {
	min string
	mu  sync.Mutex
	got []string
}

func (r *recorder) Name() string            { return "recorder" }
func (r *recorder) MinimumSeverity() string { return r.min }
func (r *recorder) Close() error            { return nil }
func (r *recorder) Deliver(ctx context.Context, f *detect.Finding) error {
	r.mu.Lock()
	r.got = append(r.got, f.ID+"/"+f.Severity)
	r.mu.Unlock()
	return nil
}

func TestDedupAndMinimumSeverity(t *testing.T) {
	all, high := &recorder{}, &recorder{min: detect.High}
	n := newNotifier(t, Configuration{}, all, high)
	for _, f := range []detect.Finding{
		finding("f-1", detect.Medium),
		finding("f-1", detect.Medium),   // the same again: not sent
		finding("f-1", detect.High),     // worse: sent
		finding("f-1", detect.Medium),   // better: not sent
		finding("f-2", detect.Critical), //
		finding("f-1", detect.High),     // already at high
	} {
		n.Send(f)
	}
	waitFor(t, "deliveries", func() bool { return n.Stats()[0].Sent == 3 && n.Stats()[1].Sent == 2 })
	if diff := cmp.Diff(all.got, []string{"f-1/medium", "f-1/high", "f-2/critical"}); diff != "" {
		t.Errorf("all (-got, +want):\n%s", diff)
	}
	if diff := cmp.Diff(high.got, []string{"f-1/high", "f-2/critical"}); diff != "" {
		t.Errorf("high (-got, +want):\n%s", diff)
	}
	if st := n.Stats(); st[0].Duplicate != 3 || st[1].Below != 3 || st[1].Duplicate != 1 || st[1].Name != "recorder#2" {
		t.Errorf("stats %+v", st)
	}
}

func TestSlack(t *testing.T) {
	bodies := make(chan string, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- string(b)
	}))
	defer ts.Close()
	newNotifier(t, Configuration{}, &Slack{URL: ts.URL, ConsoleURL: "https://weir.example/"}).Send(func() detect.Finding {
		f := finding("f-1", detect.Critical)
		f.Title = "Egress <big> & fast"
		return f
	}())
	select {
	case got := <-bodies:
		want := `{"text":"*[CRITICAL]* Egress \u0026lt;big\u0026gt; \u0026amp; fast — CRM-Prod-DB1 → 203.0.113.7, 198.51.100.23, 15.6 GB, BR/CN/RU · score 95 · TA0010 · \u003chttps://weir.example/api/v1/findings/f-1|f-1\u003e"}`
		if got != want {
			t.Errorf("slack body:\n got %s\nwant %s", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no slack message")
	}
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		cc   ChannelConfig
		want string // error text; "" = accepted
	}{
		{ChannelConfig{Type: "webhook", URL: "https://h.example/x"}, ""},
		{ChannelConfig{Type: "slack", URL: "https://hooks.slack.com/services/T/B/X", MinSeverity: "high"}, ""},
		{ChannelConfig{Type: "syslog", Address: "127.0.0.1:514", Format: "cef"}, ""},
		{ChannelConfig{Type: "webhook", URL: "ftp://h/x"}, "want http(s)"},
		{ChannelConfig{Type: "syslog", Network: "sctp", Address: "h:1"}, "want udp or tcp"},
		{ChannelConfig{Type: "syslog", Address: "h:1", Format: "leef"}, "want rfc5424 or cef"},
		{ChannelConfig{Type: "syslog"}, "no address"},
		{ChannelConfig{Type: "pager"}, "want webhook, slack or syslog"},
		{ChannelConfig{Type: "webhook", URL: "https://h/x", MinSeverity: "urgent"}, "min_severity"},
	} {
		n, err := New(slog.New(slog.DiscardHandler), Configuration{Channels: []ChannelConfig{tc.cc}}, Dependencies{})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", tc.cc, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: err %v, want %q", tc.cc, err, tc.want)
		}
		if n != nil {
			n.Stop(context.Background())
		}
	}
}

func BenchmarkSend(b *testing.B) {
	n, _ := New(slog.New(slog.DiscardHandler), Configuration{QueueSize: 1024}, Dependencies{Channels: []Channel{&recorder{}}})
	defer n.Stop(context.Background())
	f := finding("f-1", detect.High)
	for b.Loop() {
		n.Send(f) // a duplicate after the first: the hot path of a hunt re-finding the same behaviour
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
}
