package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConsoleE2E opens every page of the web console in a real headless
// Chromium against `weir serve` on a simulated estate (web/e2e/run.mjs, driven
// by playwright-core): no page may log a console error, the drill-downs must
// land where they should, and each page is saved as a screenshot in
// $WEIR_ARTIFACTS (default web/e2e/artifacts). It logs the Hub's render time
// and the gzipped size of the console's JavaScript.
func TestConsoleE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("the console end-to-end test runs a browser")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: run make deps")
	}
	browser := "/usr/bin/chromium"
	if _, err := os.Stat(browser); err != nil {
		t.Skip("/usr/bin/chromium is not installed: run make deps")
	}
	webDir, _ := filepath.Abs(filepath.Join("..", "..", "web"))
	if _, err := os.Stat(filepath.Join(webDir, "node_modules", "playwright-core")); err != nil {
		t.Fatal("web/node_modules lacks playwright-core: run make console (npm ci)")
	}
	if b, err := os.ReadFile(filepath.Join(webDir, "dist", "index.html")); err != nil || !strings.Contains(string(b), "/assets/") {
		t.Fatal("web/dist holds no built console: run make build")
	}

	dir := t.TempDir()
	logs, data := filepath.Join(dir, "logs"), filepath.Join(dir, "data")
	end := time.Now().UTC().Truncate(time.Hour)
	weir(t, "simulate", "--out", logs, "--workloads", "40", "--hours", "48", "--end", end.Format(time.RFC3339))
	var truth struct {
		SanctionedLLM struct{ Provider string } `json:"sanctioned_llm"`
	}
	if b, err := os.ReadFile(filepath.Join(logs, "truth.json")); err != nil || json.Unmarshal(b, &truth) != nil {
		t.Fatalf("truth.json: %v", err)
	}
	enrich := []string{"--data", data, "--inventory", filepath.Join(logs, "inventory.yaml"), "--sanctioned-llm", truth.SanctionedLLM.Provider}
	feeds, _ := filepath.Glob(filepath.Join(logs, "intel", "*"))
	for _, f := range feeds {
		enrich = append(enrich, "--intel", f)
	}
	ingest := append([]string{"ingest"}, enrich...)
	for _, d := range []string{"aws", "azure", "gcp", "zeek", "route53"} {
		ingest = append(ingest, filepath.Join(logs, d))
	}
	weir(t, ingest...)
	weir(t, append([]string{"hunt", "--until", end.Format(time.RFC3339)}, enrich...)...)

	// Quarantines go to a stand-in SOAR, as in weir demo, so that the console's
	// quarantine journey runs the whole workflow.
	addr := freeAddr(t)
	ctx, stop := context.WithCancel(context.Background())
	soar, err := startDemoSOAR(ctx, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "weir.yaml")
	if err := os.WriteFile(cfg, []byte("quarantine:\n  webhook: {url: \""+soar+"\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	serve := exec.CommandContext(ctx, os.Args[0], append([]string{"-test.run=^$", "--", "serve", "--listen", addr,
		"--config", cfg}, enrich...)...)
	serve.Env = append(os.Environ(), "WEIR_E2E_EXEC=1", "WEIR_TOKEN=console-e2e-token")
	out, _ := serve.StdoutPipe()
	serve.Stderr = serve.Stdout
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(); serve.Wait() })
	ready := make(chan struct{})
	go func() {
		var once sync.Once
		sc := bufio.NewScanner(out) // read to the end: a full pipe would stall the server
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "serving") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatal("weir serve did not start in 60 s")
	}

	artifacts := os.Getenv("WEIR_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(webDir, "e2e", "artifacts")
	}
	run := exec.Command(node, filepath.Join(webDir, "e2e", "run.mjs"), "--url", "http://"+addr, "--token", "console-e2e-token", "--out", artifacts)
	run.Dir = webDir
	run.Env = append(os.Environ(), "CHROMIUM="+browser)
	report, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("web/e2e/run.mjs failed (%v):\n%s", err, report)
	}
	for _, line := range strings.Split(string(report), "\n") {
		if strings.HasPrefix(line, "figure:") || strings.HasPrefix(line, "e2e:") || strings.HasPrefix(line, "screenshots") {
			t.Log(line)
		}
	}
}

// weir runs the test binary as weir (TestMain in quarantine_e2e_test.go) and fails on an error.
func weir(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "WEIR_E2E_EXEC=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("weir %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// freeAddr is a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr())
}
