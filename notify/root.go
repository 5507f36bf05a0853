// Package notify fans findings out to notification channels — a JSON webhook, a
// Slack-compatible webhook, syslog (RFC 5424 or CEF) — each with a minimum
// severity. Send never blocks its caller: each channel has a bounded queue and
// one worker that retries with exponential backoff, so a broken endpoint costs
// dropped notifications (counted), never a stalled hunt or ingest. A finding
// already notified to a channel at a severity is not sent again unless it gets
// worse. It does not detect (package detect) or keep findings (package state).
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weirhq/weir/detect"
)

// Channel delivers one finding somewhere. Deliver is called by one goroutine at
// a time per Channel (its worker); an error is retried unless it is Permanent.
type Channel interface {
	// Name says which channel it is in logs and metrics, without secrets.
	Name() string
	// MinimumSeverity is the least severity the channel is sent ("" = all).
	MinimumSeverity() string
	Deliver(ctx context.Context, f *detect.Finding) error
	// Close releases connections; the worker calls it when it stops.
	Close() error
}

// PermanentError wraps a failure that retrying will not fix (a 4xx answer).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Configuration of the notifier.
type Configuration struct {
	Channels []ChannelConfig `yaml:"channels"`
	// QueueSize bounds the findings waiting per channel; more are dropped and counted.
	QueueSize int `yaml:"queue_size"`
	// Attempts is how many times a finding is tried per channel (1 = no retry).
	Attempts int `yaml:"attempts"`
	// Backoff is the wait after the first failure; it doubles per retry up to MaxBackoff.
	Backoff    time.Duration `yaml:"backoff"`
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// Timeout bounds one attempt.
	Timeout time.Duration `yaml:"timeout"`
	// Remember bounds the findings remembered per channel for deduplication.
	Remember int `yaml:"remember"`
}

// DefaultConfiguration is the notifier's configuration when the file says nothing.
func DefaultConfiguration() Configuration {
	return Configuration{QueueSize: 256, Attempts: 5, Backoff: time.Second, MaxBackoff: time.Minute,
		Timeout: 10 * time.Second, Remember: 100_000}
}

// Dependencies of the notifier.
type Dependencies struct {
	// Channels are added to those Configuration.Channels makes (tests, programs).
	Channels []Channel
	// Now stamps syslog messages; time.Now when nil.
	Now func() time.Time
}

// Notifier queues findings to its channels. Its methods may be called concurrently.
type Notifier struct {
	logger  *slog.Logger
	cfg     Configuration
	outs    []*outlet
	ctx     context.Context // ends when Stop gives up waiting
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.RWMutex // held for writing only by Stop
	stopped bool
}

// outlet is one channel with its queue, dedup memory and counters.
type outlet struct {
	ch    Channel
	name  string
	min   int
	queue chan detect.Finding

	mu   sync.Mutex
	sent map[string]int // finding id → severity rank queued or delivered

	queued, delivered, failed, retried, dropped, duplicate, below atomic.Uint64
}

// New makes the channels of cfg and those of deps and starts one worker each.
// Zero fields of cfg take DefaultConfiguration's values.
func New(logger *slog.Logger, cfg Configuration, deps Dependencies) (*Notifier, error) {
	def := DefaultConfiguration()
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = def.QueueSize
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = def.Attempts
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = def.Backoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = def.MaxBackoff
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = def.Timeout
	}
	if cfg.Remember <= 0 {
		cfg.Remember = def.Remember
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	chans := make([]Channel, 0, len(cfg.Channels)+len(deps.Channels))
	for i, cc := range cfg.Channels {
		c, err := cc.channel(now)
		if err != nil {
			return nil, fmt.Errorf("notify channel %d: %w", i+1, err)
		}
		chans = append(chans, c)
	}
	chans = append(chans, deps.Channels...)
	n := &Notifier{logger: logger.With("component", "notify"), cfg: cfg}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	names := map[string]int{}
	for _, c := range chans {
		min := severityRank(c.MinimumSeverity())
		if c.MinimumSeverity() != "" && min == 0 {
			return nil, fmt.Errorf("notify channel %s: min_severity %q: want low, medium, high or critical", c.Name(), c.MinimumSeverity())
		}
		name := c.Name()
		if names[name]++; names[name] > 1 {
			name = fmt.Sprintf("%s#%d", name, names[name])
		}
		o := &outlet{ch: c, name: name, min: min, queue: make(chan detect.Finding, cfg.QueueSize), sent: map[string]int{}}
		n.outs = append(n.outs, o)
	}
	for _, o := range n.outs {
		n.wg.Add(1)
		go n.work(o)
	}
	return n, nil
}

// Send queues f to every channel whose minimum severity it reaches and that has
// not had it at this severity or worse. It never blocks: a full queue drops f
// for that channel (counted in Stats and weir_notify_total). After Stop it does
// nothing.
func (n *Notifier) Send(f detect.Finding) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.stopped {
		return
	}
	rank := severityRank(f.Severity)
	for _, o := range n.outs {
		if rank < o.min {
			o.below.Add(1)
			continue
		}
		if !o.mark(f.ID, rank, n.cfg.Remember) {
			o.duplicate.Add(1)
			notified.WithLabelValues(o.name, "duplicate").Inc()
			continue
		}
		select {
		case o.queue <- f:
			o.queued.Add(1)
		default:
			o.unmark(f.ID, rank) // not sent: a later hunt may try again
			o.dropped.Add(1)
			notified.WithLabelValues(o.name, "dropped").Inc()
		}
	}
}

// mark records that id goes out at rank, unless it already went at rank or worse.
func (o *outlet) mark(id string, rank, remember int) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if prev, ok := o.sent[id]; ok && prev >= rank {
		return false
	}
	if len(o.sent) >= remember {
		// Forget an arbitrary tenth: at worst those findings are notified once more.
		drop := remember / 10
		for k := range o.sent {
			if drop--; drop < 0 {
				break
			}
			delete(o.sent, k)
		}
	}
	o.sent[id] = rank
	return true
}

// unmark forgets that id went out at rank (it was dropped or failed).
func (o *outlet) unmark(id string, rank int) {
	o.mu.Lock()
	if o.sent[id] == rank {
		delete(o.sent, id)
	}
	o.mu.Unlock()
}

// work delivers o's queue until Stop closes it.
func (n *Notifier) work(o *outlet) {
	defer n.wg.Done()
	defer o.ch.Close()
	for f := range o.queue {
		if n.ctx.Err() != nil { // Stop gave up: what is left is dropped, not tried
			o.dropped.Add(1)
			notified.WithLabelValues(o.name, "dropped").Inc()
			continue
		}
		n.deliver(o, &f)
	}
}

// deliver tries f up to Attempts times, waiting Backoff, 2×Backoff, … (at most
// MaxBackoff) between tries.
func (n *Notifier) deliver(o *outlet, f *detect.Finding) {
	wait := n.cfg.Backoff
	var err error
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(n.ctx, n.cfg.Timeout)
		err = o.ch.Deliver(ctx, f)
		cancel()
		if err == nil {
			o.delivered.Add(1)
			notified.WithLabelValues(o.name, "sent").Inc()
			return
		}
		var perm *PermanentError
		if attempt >= n.cfg.Attempts || errors.As(err, &perm) || n.ctx.Err() != nil {
			break
		}
		o.retried.Add(1)
		notified.WithLabelValues(o.name, "retried").Inc()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-n.ctx.Done():
			t.Stop()
		}
		wait = min(2*wait, n.cfg.MaxBackoff)
	}
	o.unmark(f.ID, severityRank(f.Severity))
	o.failed.Add(1)
	notified.WithLabelValues(o.name, "failed").Inc()
	n.logger.Warn("notification failed", "channel", o.name, "finding", f.ID, "error", err)
}

// Stop stops taking findings and lets the workers empty their queues until ctx
// ends; then it abandons what is left (retries included) and waits for the
// workers to return.
func (n *Notifier) Stop(ctx context.Context) {
	n.mu.Lock()
	if n.stopped {
		n.mu.Unlock()
		return
	}
	n.stopped = true
	for _, o := range n.outs {
		close(o.queue)
	}
	n.mu.Unlock()
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		n.cancel()
		<-done
	}
	n.cancel()
}

// ChannelStats counts what happened to a channel's findings.
type ChannelStats struct {
	Name      string `json:"name"`
	Queued    uint64 `json:"queued"`
	Sent      uint64 `json:"sent"`
	Failed    uint64 `json:"failed"`    // given up after the last attempt
	Retried   uint64 `json:"retried"`   // attempts after the first
	Dropped   uint64 `json:"dropped"`   // the queue was full
	Duplicate uint64 `json:"duplicate"` // already notified at this severity
	Below     uint64 `json:"below"`     // under the channel's minimum severity
}

// Stats reports every channel's counters.
func (n *Notifier) Stats() []ChannelStats {
	out := make([]ChannelStats, len(n.outs))
	for i, o := range n.outs {
		out[i] = ChannelStats{Name: o.name, Queued: o.queued.Load(), Sent: o.delivered.Load(), Failed: o.failed.Load(),
			Retried: o.retried.Load(), Dropped: o.dropped.Load(), Duplicate: o.duplicate.Load(), Below: o.below.Load()}
	}
	return out
}

// severityRank orders severities, low = 1 … critical = 4, unknown = 0.
func severityRank(s string) int {
	switch s {
	case detect.Low:
		return 1
	case detect.Medium:
		return 2
	case detect.High:
		return 3
	case detect.Critical:
		return 4
	}
	return 0
}
