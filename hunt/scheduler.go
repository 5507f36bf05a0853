package hunt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/state"
)

// Configuration of scheduled hunts (the config file's `hunt:` section).
type Configuration struct {
	// Interval between the starts of two hunts; a hunt that takes longer delays
	// the next, never overlaps it.
	Interval time.Duration `yaml:"interval" json:"interval"`
	// Window is what each hunt looks at: [now−Window, now).
	Window time.Duration `yaml:"window" json:"window"`
	// Baseline is how far before the window detectors may look for "new" and
	// "unusual".
	Baseline time.Duration `yaml:"baseline" json:"baseline"`
	// Disabled turns scheduled hunts off; `weir hunt` still runs.
	Disabled bool `yaml:"disabled" json:"disabled"`
	// Suppress drops the findings its rules cover, in scheduled and on-demand hunts.
	Suppress []Rule `yaml:"suppress" json:"suppress"`
}

// DefaultConfiguration is a hunt every 15 minutes over the last day, against the
// week before.
func DefaultConfiguration() Configuration {
	return Configuration{Interval: 15 * time.Minute, Window: 24 * time.Hour, Baseline: 7 * 24 * time.Hour}
}

// withDefaults fills the zero fields from DefaultConfiguration.
func (c Configuration) withDefaults() Configuration {
	d := DefaultConfiguration()
	if c.Interval == 0 {
		c.Interval = d.Interval
	}
	if c.Window == 0 {
		c.Window = d.Window
	}
	if c.Baseline == 0 {
		c.Baseline = d.Baseline
	}
	return c
}

// Validate says what is wrong with c (zero durations mean the defaults).
func (c Configuration) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Interval < time.Minute:
		return fmt.Errorf("hunt.interval %s: want 1m or more", c.Interval)
	case c.Window < time.Minute || c.Window > 90*24*time.Hour:
		return fmt.Errorf("hunt.window %s: want 1m to 2160h (90 days)", c.Window)
	case c.Baseline < 0 || c.Baseline > 365*24*time.Hour:
		return fmt.Errorf("hunt.baseline %s: want 0 to 8760h (a year)", c.Baseline)
	}
	return Validate(c.Suppress)
}

// Dependencies of a Scheduler.
type Dependencies struct {
	Source    detect.Source
	Store     *state.Store
	Detectors []detect.Detector
	// Now is the clock (default time.Now); After waits (default time.After).
	// Tests inject both.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
	// OnReport, if set, is called after each scheduled hunt with what it did (for
	// notifications); it runs in the scheduler's goroutine.
	OnReport func(Report, error)
}

// Scheduler runs hunts every interval and on demand, one at a time.
type Scheduler struct {
	logger *slog.Logger
	cfg    Configuration
	deps   Dependencies
	mu     sync.Mutex // held for a whole hunt: scheduled and on-demand hunts never overlap
}

// NewScheduler returns a Scheduler; Run starts it.
func NewScheduler(logger *slog.Logger, cfg Configuration, deps Dependencies) (*Scheduler, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Source == nil || deps.Store == nil {
		return nil, errors.New("hunt scheduler: needs a flow source and a state store")
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.After == nil {
		deps.After = time.After
	}
	return &Scheduler{logger: logger.With("component", "hunt"), cfg: cfg, deps: deps}, nil
}

// Run hunts at once and then every interval until ctx ends; it returns nil then.
// Failures are logged, never fatal: the next hunt tries again.
func (s *Scheduler) Run(ctx context.Context) error {
	if s.cfg.Disabled {
		s.logger.Info("scheduled hunts disabled")
		<-ctx.Done()
		return nil
	}
	for {
		start := s.deps.Now()
		rep, err := s.Hunt(ctx, start, s.cfg.Window)
		if ctx.Err() != nil {
			return nil
		}
		s.log(rep, err)
		if s.deps.OnReport != nil {
			s.deps.OnReport(rep, err)
		}
		wait := max(start.Add(s.cfg.Interval).Sub(s.deps.Now()), 0)
		select {
		case <-ctx.Done():
			return nil
		case <-s.deps.After(wait):
		}
	}
}

// Hunt runs one hunt over [until−window, until) with the configured baseline and
// suppression, waiting for a hunt in progress to finish first.
func (s *Scheduler) Hunt(ctx context.Context, until time.Time, window time.Duration) (Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	until = until.UTC().Truncate(time.Minute)
	from := until.Add(-window)
	w := detect.Window{From: from, Until: until, BaselineFrom: from.Add(-s.cfg.Baseline)}
	return Run(ctx, s.deps.Source, s.deps.Store, s.deps.Detectors, w, s.cfg.Suppress, s.deps.Now())
}

func (s *Scheduler) log(rep Report, err error) {
	if err != nil {
		s.logger.Error("hunt failed", "from", rep.From, "until", rep.Until, "err", err)
		return
	}
	for _, d := range rep.Detectors {
		if d.Error != "" {
			s.logger.Warn("detector failed", "detector", d.Name, "err", d.Error)
		}
	}
	s.logger.Info("hunted", "from", rep.From, "until", rep.Until, "found", rep.Found, "opened", rep.Opened,
		"updated", rep.Updated, "suppressed", rep.Suppressed, "took", rep.Took)
}
