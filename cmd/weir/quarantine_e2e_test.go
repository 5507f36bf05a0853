package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as weir and as tiny network tools inside the test's
// network namespaces: with WEIR_E2E_EXEC=1 it runs the arguments after "--".
func TestMain(m *testing.M) {
	if os.Getenv("WEIR_E2E_EXEC") == "1" {
		os.Exit(e2eChild(os.Args))
	}
	os.Exit(m.Run())
}

func e2eChild(argv []string) int {
	var args []string
	for i, a := range argv {
		if a == "--" {
			args = argv[i+1:]
			break
		}
	}
	switch {
	case len(args) == 2 && args[0] == "listen": // accept and hold connections
		ln, err := net.Listen("tcp", args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("listening")
		for {
			c, err := ln.Accept()
			if err != nil {
				return 1
			}
			go func() { c.Write([]byte("hi\n")); time.Sleep(time.Second); c.Close() }()
		}
	case len(args) == 2 && args[0] == "dial": // exit 0 when a connection carries data
		c, err := net.DialTimeout("tcp", args[1], 1500*time.Millisecond)
		if err != nil {
			return 1
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(1500 * time.Millisecond))
		if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
			return 1
		}
		return 0
	}
	cmd := newRootCmd()
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "weir:", err)
		return 1
	}
	return 0
}

// TestQuarantineIsolatesAHost is DESIGN §8 for real: hosts A (quarantined, runs
// weir agent), B (a peer, runs weir serve) and C (an allow-listed responder) in
// network namespaces this test makes; A is quarantined through weir, B can no
// longer reach A nor A reach B (but for the agent's channel), C still reaches A;
// after the release B reaches A again.
func TestQuarantineIsolatesAHost(t *testing.T) {
	if testing.Short() {
		t.Skip("network namespaces and nftables")
	}
	ns := e2eNamespaces(t)
	dir := t.TempDir()
	inv := filepath.Join(dir, "inventory.yaml")
	os.WriteFile(inv, []byte("networks:\n  - {cidr: 10.199.0.0/16, zone: Lab, cloud: onprem}\n"+
		"workloads:\n  - {name: hostA, kind: Server, ips: [10.199.1.1, 10.199.2.1], cloud: onprem, labels: {role: app}}\n"), 0o644)
	cfg := filepath.Join(dir, "weir.yaml")
	os.WriteFile(cfg, []byte("quarantine:\n  agents: {clouds: [onprem]}\n"), 0o644)
	server := "http://10.199.1.2:18080"

	serve := ns.start(t, "B", "serve", "--data", filepath.Join(dir, "data"), "--inventory", inv, "--config", cfg,
		"--listen", "10.199.1.2:18080")
	serve.waitFor(t, "serving")
	ns.start(t, "A", "listen", "0.0.0.0:9000").waitFor(t, "listening")
	ns.start(t, "B", "listen", "10.199.1.2:9001").waitFor(t, "listening")
	// The agent and the responder act with tokens of their own roles, made by the admin.
	mint := func(name, role string) string {
		t.Helper()
		out, err := ns.output("B", "tokens", "create", "--name", name, "--role", role, "--server", server, "--token", "tok")
		words := strings.Fields(string(out))
		if err != nil || len(words) == 0 {
			t.Fatalf("tokens create %s: %v\n%s", role, err, out)
		}
		return words[len(words)-1]
	}
	agentTok, responderTok := mint("hostA", "agent"), mint("rita", "responder")
	ns.start(t, "A", "agent", "--server", server, "--workload", "hostA", "--token", agentTok, "--interval", "200ms")

	reach := func(from, addr string) bool { return ns.run(from, "dial", addr) == nil }
	eventually := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 20 s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	eventually("B reaches A before the quarantine", func() bool { return reach("B", "10.199.1.1:9000") })

	if err := ns.run("B", "quarantine", "add", "hostA", "--reason", "e2e", "--allow", "10.199.2.2",
		"--server", server, "--token", responderTok); err != nil {
		t.Fatalf("quarantine add: %v", err)
	}
	eventually("B is cut off from A", func() bool { return !reach("B", "10.199.1.1:9000") })
	if !reach("C", "10.199.2.1:9000") {
		t.Error("C, on the allow list, no longer reaches A")
	}
	if reach("A", "10.199.1.2:9001") {
		t.Error("A still reaches B")
	}

	// Quarantined only once A's agent has reported enforcing it.
	list := func() []map[string]any {
		out, err := ns.output("B", "quarantine", "list", "--server", server, "--token", responderTok, "-o", "json")
		var qs []map[string]any
		if err == nil {
			err = json.Unmarshal(out, &qs)
		}
		if err != nil || len(qs) != 1 {
			t.Fatalf("quarantine list: %v %s", err, out)
		}
		return qs
	}
	eventually("the agent confirms", func() bool { return list()[0]["state"] == "quarantined" })
	if by := list()[0]["created_by"]; by != "rita" {
		t.Errorf("quarantined by %v, want rita (the responder token's name)", by)
	}
	if err := ns.run("B", "quarantine", "release", list()[0]["id"].(string), "--reason", "done", "--server", server,
		"--token", responderTok); err != nil {
		t.Fatalf("quarantine release: %v", err)
	}
	eventually("the agent confirms the release", func() bool { return list()[0]["state"] == "released" })
	eventually("B reaches A after the release", func() bool { return reach("B", "10.199.1.1:9000") })
}

// e2eNS is the test's namespaces A, B, C: A–B on 10.199.1.0/24, A–C on 10.199.2.0/24.
type e2eNS struct{ names map[string]string }

func e2eNamespaces(t *testing.T) *e2eNS {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root for network namespaces and nftables")
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (make test installs iproute2 and nftables)", tool)
		}
	}
	suffix := fmt.Sprint(os.Getpid() % 100000)
	ns := &e2eNS{names: map[string]string{"A": "weirA" + suffix, "B": "weirB" + suffix, "C": "weirC" + suffix}}
	for _, n := range ns.names {
		if out, err := exec.Command("ip", "netns", "add", n).CombinedOutput(); err != nil {
			t.Skipf("cannot make network namespaces here: %v %s", err, out)
		}
		name := n
		t.Cleanup(func() { exec.Command("ip", "netns", "delete", name).Run() })
	}
	a, b, c := ns.names["A"], ns.names["B"], ns.names["C"]
	steps := [][]string{
		{"link", "add", "wab" + suffix, "netns", a, "type", "veth", "peer", "name", "wba" + suffix, "netns", b},
		{"link", "add", "wac" + suffix, "netns", a, "type", "veth", "peer", "name", "wca" + suffix, "netns", c},
		{"-n", a, "addr", "add", "10.199.1.1/24", "dev", "wab" + suffix},
		{"-n", b, "addr", "add", "10.199.1.2/24", "dev", "wba" + suffix},
		{"-n", a, "addr", "add", "10.199.2.1/24", "dev", "wac" + suffix},
		{"-n", c, "addr", "add", "10.199.2.2/24", "dev", "wca" + suffix},
	}
	for _, n := range []string{a, b, c} {
		steps = append(steps, []string{"-n", n, "link", "set", "lo", "up"})
	}
	steps = append(steps, []string{"-n", a, "link", "set", "wab" + suffix, "up"}, []string{"-n", a, "link", "set", "wac" + suffix, "up"},
		[]string{"-n", b, "link", "set", "wba" + suffix, "up"}, []string{"-n", c, "link", "set", "wca" + suffix, "up"})
	for _, s := range steps {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			t.Skipf("cannot wire the namespaces: ip %v: %v %s", s, err, out)
		}
	}
	return ns
}

func (ns *e2eNS) command(host string, args ...string) *exec.Cmd {
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns.names[host], os.Args[0], "-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "WEIR_E2E_EXEC=1", "WEIR_TOKEN=tok")
	return cmd
}

func (ns *e2eNS) run(host string, args ...string) error { return ns.command(host, args...).Run() }

func (ns *e2eNS) output(host string, args ...string) ([]byte, error) {
	return ns.command(host, args...).Output()
}

type e2eProc struct{ lines chan string }

// start runs a long-lived process in host's namespace until the test ends.
func (ns *e2eNS) start(t *testing.T, host string, args ...string) *e2eProc {
	t.Helper()
	cmd := ns.command(host, args...)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	p := &e2eProc{lines: make(chan string, 256)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	return p
}

func (p *e2eProc) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l := <-p.lines:
			if strings.Contains(l, text) {
				return
			}
		case <-deadline:
			t.Fatalf("no %q within 30 s", text)
		}
	}
}
