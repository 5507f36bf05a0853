// Package quarantine is the quarantine workflow of DESIGN §8: it takes requests to
// isolate a workload (with an allow list of "controlled access" peers and an
// optional expiry), drives each through requested → in_progress → quarantined |
// failed and releasing → released with retries, persists every transition in its
// own table and writes it to the audit log, serves the desired state that agents
// pull, and verifies from the flows that a quarantined workload is really cut off
// (else it is leaking, and a finding says so).
//
// It does not enforce anything itself: enforcers (package enforce/<backend>, and
// Webhook here) do, behind the Enforcer interface. It does not serve HTTP (package
// api), check roles (the caller has), or keep findings (package state).
package quarantine

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/weirhq/weir/store/duckdb"
)

// States of a quarantine.
const (
	Requested   = "requested"
	InProgress  = "in_progress"
	Quarantined = "quarantined"
	Failed      = "failed"
	Releasing   = "releasing"
	Released    = "released"
	Leaking     = "leaking" // enforced, but flows still cross it outside its allow list
)

// States lists every state, in workflow order.
var States = []string{Requested, InProgress, Quarantined, Failed, Releasing, Released, Leaking}

// Errors the Manager returns; callers check them with errors.Is (the API maps
// them to HTTP statuses).
var (
	ErrUnknownWorkload = errors.New("unknown workload")
	ErrNotQuarantined  = errors.New("not quarantined")
	ErrReleasing       = errors.New("quarantine being released")
	ErrNotFound        = errors.New("quarantine not found")
	ErrInvalid         = errors.New("invalid quarantine request")
	ErrNoEnforcer      = errors.New("no enforcer reaches the workload")
	// ErrPermanent marks an enforcer's error that retrying will not fix (a
	// rejected request, a missing permission): the quarantine fails at once.
	ErrPermanent = errors.New("permanent")
	// ErrPending says an enforcer has handed the work on and waits for its
	// confirmation (a host agent's report): the Manager asks again on its next
	// round without counting an attempt.
	ErrPending = errors.New("waiting for confirmation")
)

// Request asks for a workload to be quarantined.
type Request struct {
	Workload string
	Reason   string
	// Allow are the peers the workload may still reach and be reached by: IP
	// addresses, CIDRs or workload names.
	Allow   []string
	Expires time.Time // zero: until released
	Actor   string
}

// Quarantine is one quarantine of one workload, in whatever state it is.
type Quarantine struct {
	ID            string    `json:"id"`
	Workload      string    `json:"workload"`
	State         string    `json:"state"`
	Reason        string    `json:"reason"`
	Allow         []string  `json:"allow"`
	Expires       time.Time `json:"expires,omitzero"`
	Enforcer      string    `json:"enforcer,omitempty"` // who applied it, and so who releases it
	Error         string    `json:"error,omitempty"`    // the last enforcement error
	Attempts      int       `json:"attempts"`           // of the current apply or release
	NextAttempt   time.Time `json:"next_attempt,omitzero"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	QuarantinedAt time.Time `json:"quarantined_at,omitzero"`
	ReleasedBy    string    `json:"released_by,omitempty"`
	ReleaseReason string    `json:"release_reason,omitempty"`
	ReleasedAt    time.Time `json:"released_at,omitzero"`
	// HoldsSince is when verification found a leaking quarantine holding again:
	// flows before it are not held against the quarantine any more.
	HoldsSince time.Time `json:"holds_since,omitzero"`
}

// Active reports whether q holds (or is about to hold) its workload isolated
// and is not on its way out: a new request for the workload returns it.
func (q Quarantine) Active() bool {
	switch q.State {
	case Requested, InProgress, Quarantined, Leaking:
		return true
	}
	return false
}

// Workload is what an enforcer needs to know about the workload it isolates;
// the caller maps its inventory to it.
type Workload struct {
	Name      string            `json:"name"`
	Kind      string            `json:"kind,omitempty"`
	Cloud     string            `json:"cloud,omitempty"`
	Account   string            `json:"account,omitempty"`
	Region    string            `json:"region,omitempty"`
	IPs       []netip.Addr      `json:"ips"`
	Labels    map[string]string `json:"labels,omitempty"`
	Instances []string          `json:"instances,omitempty"`
}

// FlowSource is where Verify reads flows from (the store).
type FlowSource interface {
	Aggregate(ctx context.Context, q duckdb.AggregateQuery) ([]duckdb.Row, string, error)
}

// Dependencies are what a Manager works with.
type Dependencies struct {
	DB        *sql.DB // the state database (the same DuckDB file as the flows)
	Enforcers []Enforcer
	// Workloads looks a workload up by name.
	Workloads func(name string) (Workload, bool)
	// Audit appends to the audit log (state.Store.Record).
	Audit func(ctx context.Context, actor, action, target, detail string) error
	Flows FlowSource       // for Verify; nil disables it
	Now   func() time.Time // default time.Now
}

// Manager runs the quarantine workflow. Its methods may be called concurrently.
type Manager struct {
	logger *slog.Logger
	cfg    Configuration
	deps   Dependencies
	mu     sync.Mutex // held by every write, so that transitions see the state they change
	stepMu sync.Mutex // one Step at a time: an enforcer is never asked twice at once
	wake   chan struct{}
}

// New returns a Manager, creating its table on first use.
func New(ctx context.Context, logger *slog.Logger, cfg Configuration, deps Dependencies) (*Manager, error) {
	if deps.DB == nil || deps.Workloads == nil || deps.Audit == nil {
		return nil, errors.New("new quarantine manager: want a database, a workload lookup and an audit log")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	for _, q := range schema {
		if _, err := deps.DB.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("create quarantine schema: %w", err)
		}
	}
	return &Manager{logger: logger.With("component", "quarantine"), cfg: cfg, deps: deps, wake: make(chan struct{}, 1)}, nil
}

// now is the manager's time at the database's precision, so that what is
// written reads back equal.
func (m *Manager) now() time.Time { return dbTime(m.deps.Now()) }

func dbTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return "q-" + hex.EncodeToString(b[:])
}
