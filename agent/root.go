// Package agent is the Insights Agent: it reads findings (with their status and
// analysts' comments) and writes one summary per persona — threat hunting,
// incident response, data protection, compliance — with an attention level,
// ATT&CK tactic tags, a narrative naming the IPs, workloads, volumes and
// countries, and links to the findings. It is deterministic and offline; an
// optional OpenAI-compatible endpoint may reword the narrative, and a rewording
// that loses or invents a fact is thrown away. It does not detect (package
// detect), store findings (package state) or notify (package notify).
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/weirhq/weir/detect"
)

// ErrUnknownPersona is returned by Summaries for a persona not in Personas.
var ErrUnknownPersona = errors.New("unknown persona")

// Tracked is a finding as the state store keeps it: what the detector found,
// plus the analysts' status (open, acknowledged, resolved, false_positive; empty
// counts as open) and comments.
type Tracked struct {
	detect.Finding
	Status   string    `json:"status"`
	Comments []Comment `json:"comments,omitempty"`
}

// Comment is an analyst's note on a finding.
type Comment struct {
	FindingID string    `json:"finding_id"` // filled in by the agent
	Author    string    `json:"author"`
	Text      string    `json:"text"`
	At        time.Time `json:"at"`
}

// FindingReader gives the findings to summarise (package state, through an
// adapter). It is called concurrently; resolved and false-positive findings may
// be included (the agent leaves them out).
type FindingReader interface {
	Findings(ctx context.Context) ([]Tracked, error)
}

// Configuration of the agent.
type Configuration struct {
	// ActiveWindow is how recently a high or critical finding must have been seen
	// for incident response to count it as active.
	ActiveWindow time.Duration `yaml:"active_window"`
	// LargeTransfer is the volume (bytes) to another country from which any
	// finding concerns data protection.
	LargeTransfer uint64 `yaml:"large_transfer"`
	// MaxLinks caps the findings linked per summary (the worst first).
	MaxLinks int `yaml:"max_links"`
	// Rewrite, when its BaseURL is set, rewords narratives through an
	// OpenAI-compatible endpoint (its APIKey comes from the environment).
	Rewrite OpenAICompatible `yaml:"rewrite"`
	// RewriteCooldown is how long the agent stops asking the endpoint after a
	// failure, so that a dead endpoint does not slow every request.
	RewriteCooldown time.Duration `yaml:"rewrite_cooldown"`
}

// DefaultConfiguration is the agent's configuration when the file says nothing.
func DefaultConfiguration() Configuration {
	return Configuration{ActiveWindow: 24 * time.Hour, LargeTransfer: 1e9, MaxLinks: 50,
		Rewrite: OpenAICompatible{Timeout: 20 * time.Second}, RewriteCooldown: time.Minute}
}

// Dependencies of the agent.
type Dependencies struct {
	Findings FindingReader
	// Rewriter, when set, replaces the one Configuration.Rewrite would make
	// (tests, other protocols). Nil and no Rewrite.BaseURL: deterministic text only.
	Rewriter Rewriter
}

// Agent writes the summaries. Its methods may be called concurrently.
type Agent struct {
	logger   *slog.Logger
	cfg      Configuration
	findings FindingReader
	rewriter Rewriter

	mu         sync.Mutex
	cache      map[string]string // deterministic narrative → accepted rewording
	pauseUntil time.Time         // no rewording before this, after a failure
}

// New returns an Agent. Zero fields of cfg take DefaultConfiguration's values.
func New(logger *slog.Logger, cfg Configuration, deps Dependencies) (*Agent, error) {
	if deps.Findings == nil {
		return nil, errors.New("agent: no finding reader")
	}
	def := DefaultConfiguration()
	if cfg.ActiveWindow <= 0 {
		cfg.ActiveWindow = def.ActiveWindow
	}
	if cfg.LargeTransfer == 0 {
		cfg.LargeTransfer = def.LargeTransfer
	}
	if cfg.MaxLinks <= 0 {
		cfg.MaxLinks = def.MaxLinks
	}
	if cfg.RewriteCooldown <= 0 {
		cfg.RewriteCooldown = def.RewriteCooldown
	}
	if cfg.Rewrite.Timeout <= 0 {
		cfg.Rewrite.Timeout = def.Rewrite.Timeout
	}
	a := &Agent{logger: logger.With("component", "agent"), cfg: cfg, findings: deps.Findings,
		rewriter: deps.Rewriter, cache: map[string]string{}}
	if a.rewriter == nil && cfg.Rewrite.BaseURL != "" {
		if err := cfg.Rewrite.check(); err != nil {
			return nil, err
		}
		rw := cfg.Rewrite
		a.rewriter = &rw
	}
	return a, nil
}

// Summary is what one persona is told.
type Summary struct {
	Persona   string   `json:"persona"`
	Attention string   `json:"attention"` // LOW, MEDIUM, HIGH or CRITICAL
	Tags      []string `json:"tags"`      // "TA0010 Exfiltration", most frequent first
	Narrative string   `json:"narrative"`
	// NarrativeSource is "deterministic", or "model" when an endpoint reworded
	// it and the rewording kept every fact.
	NarrativeSource string    `json:"narrative_source"`
	Facts           []string  `json:"facts"` // what any wording must keep verbatim
	Counts          Counts    `json:"counts"`
	Findings        []Link    `json:"findings"` // the worst first
	Comments        []Comment `json:"comments"` // the newest first
	GeneratedAt     time.Time `json:"generated_at"`
}

// Counts are a summary's findings by severity.
type Counts struct {
	Total    int `json:"total"`
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
}

// Link points at one finding.
type Link struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Detector string    `json:"detector"`
	Severity string    `json:"severity"`
	Score    int       `json:"score"`
	Status   string    `json:"status"`
	LastSeen time.Time `json:"last_seen"`
	URL      string    `json:"url"` // /api/v1/findings/{id}
}

// maxComments caps the comments a summary carries.
const maxComments = 20

// Summaries writes the summary of one persona, or of every persona when persona
// is "", as of now. An unknown persona is ErrUnknownPersona.
func (a *Agent) Summaries(ctx context.Context, persona string, now time.Time) ([]Summary, error) {
	names := Personas
	if persona != "" {
		if _, ok := personas[persona]; !ok {
			return nil, fmt.Errorf("persona %q: %w (want one of %s)", persona, ErrUnknownPersona, strings.Join(Personas, ", "))
		}
		names = []string{persona}
	}
	all, err := a.findings.Findings(ctx)
	if err != nil {
		return nil, fmt.Errorf("read findings: %w", err)
	}
	out := make([]Summary, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		out[i] = a.summarise(name, all, now)
		if a.rewriter != nil {
			// Reword in parallel: each call is bounded by the endpoint's timeout.
			wg.Add(1)
			go func(s *Summary) {
				defer wg.Done()
				a.reword(ctx, s, now)
			}(&out[i])
		}
	}
	wg.Wait()
	return out, nil
}

// summarise builds a persona's summary from every finding, deterministically.
func (a *Agent) summarise(name string, all []Tracked, now time.Time) Summary {
	p := personas[name]
	var fs []Tracked
	for i := range all {
		if p.shows(a, &all[i], now) {
			fs = append(fs, all[i])
		}
	}
	slices.SortFunc(fs, worseFirst)
	s := Summary{Persona: name, Attention: attention(fs), Tags: tagsOf(fs), NarrativeSource: "deterministic",
		Findings: []Link{}, Comments: []Comment{}, GeneratedAt: now.UTC()}
	if s.Tags == nil {
		s.Tags = []string{}
	}
	for i := range fs {
		f := &fs[i]
		s.Counts.Total++
		switch f.Severity {
		case detect.Critical:
			s.Counts.Critical++
		case detect.High:
			s.Counts.High++
		case detect.Medium:
			s.Counts.Medium++
		case detect.Low:
			s.Counts.Low++
		}
		if len(s.Findings) < a.cfg.MaxLinks {
			s.Findings = append(s.Findings, Link{ID: f.ID, Title: f.Title, Detector: f.Detector, Severity: f.Severity,
				Score: f.Score, Status: statusOf(f.Status), LastSeen: f.LastSeen, URL: "/api/v1/findings/" + f.ID})
		}
		for _, c := range f.Comments {
			c.FindingID = f.ID
			s.Comments = append(s.Comments, c)
		}
	}
	slices.SortStableFunc(s.Comments, func(x, y Comment) int { return y.At.Compare(x.At) })
	if len(s.Comments) > maxComments {
		s.Comments = s.Comments[:maxComments]
	}
	s.Narrative, s.Facts = narrate(p.name, fs, len(s.Comments), now)
	return s
}

func statusOf(s string) string {
	if s == "" {
		return "open"
	}
	return s
}

// worseFirst orders findings by severity, then score, then most recent, then id.
func worseFirst(x, y Tracked) int {
	if d := severityRank(y.Severity) - severityRank(x.Severity); d != 0 {
		return d
	}
	if d := y.Score - x.Score; d != 0 {
		return d
	}
	if c := y.LastSeen.Compare(x.LastSeen); c != 0 {
		return c
	}
	return strings.Compare(x.ID, y.ID)
}
