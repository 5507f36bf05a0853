package nftables

import (
	"fmt"
	"sync"

	nft "github.com/google/nftables"
)

// Enforcer applies States to the nftables of one network namespace. It is
// safe for concurrent use.
type Enforcer struct {
	// mu keeps concurrent Apply/Clear calls from interleaving in one batch.
	mu   sync.Mutex
	conn *nft.Conn
	// where names the namespace in errors.
	where string
}

// New returns an Enforcer for the current network namespace.
func New() (*Enforcer, error) {
	c, err := nft.New()
	if err != nil {
		return nil, fmt.Errorf("nftables: open netlink: %w", err)
	}
	return &Enforcer{conn: c, where: "current netns"}, nil
}

// NewInNetNS returns an Enforcer for the network namespace open at fd (for
// example /var/run/netns/NAME). The caller keeps fd open while using it.
func NewInNetNS(fd int) (*Enforcer, error) {
	c, err := nft.New(nft.WithNetNSFd(fd))
	if err != nil {
		return nil, fmt.Errorf("nftables: open netlink in netns fd %d: %w", fd, err)
	}
	return &Enforcer{conn: c, where: fmt.Sprintf("netns fd %d", fd)}, nil
}

// Apply makes the weir table match state: the quarantine filter when
// state.Quarantined, no table otherwise. It is idempotent, and atomic: the
// delete and the rebuild go to the kernel as one batch, so no packet ever
// meets a missing or partial table while the quarantine holds.
func (e *Enforcer) Apply(state State) error {
	s, err := state.normalized()
	if err != nil {
		return err
	}
	if !s.Quarantined {
		return e.Clear()
	}
	p := buildPlan(s)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.resetTable()
	e.conn.AddTable(p.table)
	e.conn.AddChain(p.input)
	e.conn.AddChain(p.output)
	for _, r := range p.in {
		e.conn.AddRule(&nft.Rule{Table: p.table, Chain: p.input, Exprs: r})
	}
	for _, r := range p.out {
		e.conn.AddRule(&nft.Rule{Table: p.table, Chain: p.output, Exprs: r})
	}
	if err := e.conn.Flush(); err != nil {
		return fmt.Errorf("nftables: apply quarantine table inet %s in %s: %w", TableName, e.where, err)
	}
	return nil
}

// Clear removes the weir table, and with it any quarantine; it succeeds when
// the table is already gone.
func (e *Enforcer) Clear() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.resetTable()
	if err := e.conn.Flush(); err != nil {
		return fmt.Errorf("nftables: delete table inet %s in %s: %w", TableName, e.where, err)
	}
	return nil
}

// resetTable queues "add table; delete table": adding first makes the delete
// valid whether or not the table exists, the same idiom nft scripts use, so
// neither Apply nor Clear has to list the kernel's tables first.
func (e *Enforcer) resetTable() {
	t := weirTable()
	e.conn.AddTable(t)
	e.conn.DelTable(t)
}
