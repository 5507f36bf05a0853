package main

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"strings"
)

// estate is the benchmark's address plan: internal hosts in a few VPCs and many
// public peers, drawn from a seeded generator so every run writes the same bytes.
type estate struct {
	rng      *rand.Rand
	zipf     *rand.Zipf
	internal []netip.Addr
	external []netip.Addr
	index    map[netip.Addr]int // position of an internal address
	convs    []conversation
}

// conversation is a client, a server and its port: real flow logs repeat a modest
// number of them (users to their apps, apps to their databases) many times an hour,
// with a long tail of rare ones; the benchmark draws them with a Zipf law.
type conversation struct {
	client, server netip.Addr
	port           uint16
}

func newEstate(seed uint64) *estate {
	e := &estate{rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	e.index = map[netip.Addr]int{}
	for i := range 2000 {
		a := netip.AddrFrom4([4]byte{10, byte(i / 250 % 8), byte(i / 250), byte(1 + i%250)})
		e.index[a] = i
		e.internal = append(e.internal, a)
	}
	for range 50_000 {
		e.external = append(e.external, netip.AddrFrom4([4]byte{byte(1 + e.rng.IntN(222)), byte(e.rng.IntN(256)), byte(e.rng.IntN(256)), byte(1 + e.rng.IntN(254))}))
	}
	for range 40_000 {
		e.convs = append(e.convs, conversation{e.internal[e.rng.IntN(len(e.internal))], e.peer(), ports[e.rng.IntN(len(ports))]})
	}
	e.zipf = rand.NewZipf(e.rng, 1.1, 8, uint64(len(e.convs)-1))
	return e
}

func (e *estate) conversation() conversation { return e.convs[e.zipf.Uint64()] }

func (e *estate) writeInventory(path string) error {
	var b strings.Builder
	b.WriteString("networks:\n  - {cidr: 10.0.0.0/8, zone: Internal AWS, cloud: aws, region: us-east-1}\n  - {cidr: 10.68.0.0/16, zone: Internal Azure, cloud: azure, region: eastus}\nworkloads:\n")
	roles := []string{"web", "app", "db", "user", "dc"}
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, "  - {name: wl-%03d, kind: Virtual Machine, ips: [%s], cloud: aws, region: us-east-1, labels: {role: %s, app: crm, env: prod}}\n",
			i, e.internal[i], roles[i%len(roles)])
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

var ports = []uint16{443, 443, 443, 80, 53, 22, 445, 3389, 1433, 5432, 8080, 123}

// peer picks the other end: mostly internal, a third public.
func (e *estate) peer() netip.Addr {
	if e.rng.IntN(3) == 0 {
		return e.external[e.rng.IntN(len(e.external))]
	}
	return e.internal[e.rng.IntN(len(e.internal))]
}

// size draws a byte count with a long tail, as real flows have.
func (e *estate) size() uint64 {
	return uint64(40 + e.rng.ExpFloat64()*2000*float64(1+e.rng.IntN(4)*e.rng.IntN(4)))
}
