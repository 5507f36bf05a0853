package nftables

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"testing"

	nft "github.com/google/nftables"
)

// TestQuarantineInNetNS builds three namespaces joined by veth pairs:
//
//	B (peer) 10.199.1.2 ── 10.199.1.1 A (quarantined) 10.199.2.1 ── 10.199.2.2 C (allow-listed)
//
// plus IPv6 ULAs on the same links, quarantines A with C allow-listed and B
// as the weir server on port 8443 only, and checks real TCP traffic.
func TestQuarantineInNetNS(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces and nftables tables")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs the ip command (Debian package iproute2)")
	}
	tag := fmt.Sprintf("weirt%d", os.Getpid())
	a, b, c := newNetNS(t, tag+"a"), newNetNS(t, tag+"b"), newNetNS(t, tag+"c")

	ipIn(t, a.name, "link", "add", "ab", "type", "veth", "peer", "name", "ba", "netns", b.name)
	ipIn(t, a.name, "link", "add", "ac", "type", "veth", "peer", "name", "ca", "netns", c.name)
	for _, l := range []struct{ ns, dev, v4, v6 string }{
		{a.name, "ab", "10.199.1.1/24", "fd00:199:1::1/64"},
		{b.name, "ba", "10.199.1.2/24", "fd00:199:1::2/64"},
		{a.name, "ac", "10.199.2.1/24", "fd00:199:2::1/64"},
		{c.name, "ca", "10.199.2.2/24", "fd00:199:2::2/64"},
	} {
		ipIn(t, l.ns, "addr", "add", l.v4, "dev", l.dev)
		ipIn(t, l.ns, "addr", "add", l.v6, "dev", l.dev, "nodad")
		ipIn(t, l.ns, "link", "set", l.dev, "up")
	}

	enf, err := NewInNetNS(a.fd)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := nft.New(nft.WithNetNSFd(a.fd))
	if err != nil {
		t.Fatal(err)
	}
	// A table someone else owns, which weir must never touch.
	other := conn.AddTable(&nft.Table{Name: "other", Family: nft.TableFamilyINet})
	conn.AddChain(&nft.Chain{Name: "keep", Table: other})
	if err := conn.Flush(); err != nil {
		t.Skipf("nftables is not usable here (kernel without nf_tables?): %v", err)
	}

	echoServer(t, a, "10.199.1.1:9000")
	echoServer(t, a, "10.199.2.1:9000")
	echoServer(t, a, "[fd00:199:2::1]:9000")
	echoServer(t, b, "10.199.1.2:9000")
	echoServer(t, c, "10.199.2.2:9000")
	echoServer(t, c, "[fd00:199:2::2]:9000")

	mustReach := func(from netns, addr string, localPort int) {
		t.Helper()
		if err := reach(from, addr, localPort); err != nil {
			t.Errorf("%s -> %s: want a TCP round trip, got %v", from.name, addr, err)
		}
	}
	mustNotReach := func(from netns, addr string, localPort int) {
		t.Helper()
		if err := reach(from, addr, localPort); err == nil {
			t.Errorf("%s -> %s (local port %d): reached it through the quarantine", from.name, addr, localPort)
		}
	}

	mustReach(b, "10.199.1.1:9000", 0) // the lab works before any quarantine
	held, err := connect(b, "10.199.1.1:9000", 0)
	if err != nil {
		t.Fatalf("open a connection before quarantine: %v", err)
	}
	defer held.Close()

	state := State{
		Quarantined: true,
		Allow:       []netip.Prefix{netip.MustParsePrefix("10.199.2.2/32"), netip.MustParsePrefix("fd00:199:2::/64")},
		AllowDNS:    true,
		Server:      netip.MustParseAddrPort("10.199.1.2:8443"),
	}
	for range 2 { // the second Apply proves idempotence
		if err := enf.Apply(state); err != nil {
			t.Fatal(err)
		}
	}
	checkKernelTables(t, conn, state)

	mustNotReach(b, "10.199.1.1:9000", 0) // peer -> quarantined
	mustNotReach(a, "10.199.1.2:9000", 0) // quarantined -> peer
	if err := roundTrip(held); err == nil {
		t.Error("a connection opened before the quarantine still carries data")
	}
	// B pretends to be the server by sending from its port: only answers to
	// A's own connections may come in.
	mustNotReach(b, "10.199.1.1:9000", 8443)
	mustReach(c, "10.199.2.1:9000", 0)      // allow-listed -> quarantined
	mustReach(a, "10.199.2.2:9000", 0)      // quarantined -> allow-listed
	mustReach(c, "[fd00:199:2::1]:9000", 0) // the same over IPv6 (needs ND)
	mustReach(a, "[fd00:199:2::2]:9000", 0)
	echoServer(t, b, "10.199.1.2:8443") // started late: the spoof above needed the port free
	mustReach(a, "10.199.1.2:8443", 0)  // the agent's channel to the server

	for range 2 { // Clear is idempotent too
		if err := enf.Clear(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.ListTableOfFamily(TableName, nft.TableFamilyINet); err == nil {
		t.Error("table inet weir still exists after Clear")
	}
	if _, err := conn.ListTableOfFamily("other", nft.TableFamilyINet); err != nil {
		t.Errorf("Clear removed a table weir does not own: %v", err)
	}
	mustReach(b, "10.199.1.1:9000", 0)
	mustReach(a, "10.199.1.2:9000", 0)
	if err := enf.Apply(State{}); err != nil { // released state = Clear
		t.Fatal(err)
	}
}

// checkKernelTables lists the weir table back from the kernel: the same
// chains and rule counts the plan holds, and the foreign table intact.
func checkKernelTables(t *testing.T, conn *nft.Conn, state State) {
	t.Helper()
	s, err := state.normalized()
	if err != nil {
		t.Fatal(err)
	}
	p := buildPlan(s)
	tables, err := conn.ListTablesOfFamily(nft.TableFamilyINet)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range tables {
		names = append(names, tb.Name)
	}
	if len(names) != 2 {
		t.Errorf("inet tables = %v, want other and %s", names, TableName)
	}
	for _, c := range []struct {
		chain *nft.Chain
		want  int
	}{{p.input, len(p.in)}, {p.output, len(p.out)}} {
		got, err := conn.ListChain(p.table, c.chain.Name)
		if err != nil {
			t.Fatalf("list chain %s: %v", c.chain.Name, err)
		}
		if got.Policy == nil || *got.Policy != nft.ChainPolicyDrop || got.Priority == nil || *got.Priority != priority {
			t.Errorf("chain %s: policy %v priority %v, want drop and %d", c.chain.Name, got.Policy, got.Priority, priority)
		}
		rules, err := conn.GetRules(p.table, c.chain)
		if err != nil {
			t.Fatal(err)
		}
		if len(rules) != c.want {
			t.Errorf("chain %s holds %d rules, want %d (a repeated Apply must not add rules)", c.chain.Name, len(rules), c.want)
		}
	}
}
