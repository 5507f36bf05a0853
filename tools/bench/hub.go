package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// hubInsights are the Hub's widgets as the console asks for them.
var hubInsights = []string{
	"risky-services", "destination-roles?service=SMB", "workloads-by-role?service=SMB", "zones", "cross-region",
	"malicious-ips", "malicious-services", "threat-map", "external-transfers?group=country", "countries",
	"shadow-llm", "llm-sources?provider=OpenAI", "timeline",
}

// benchHub simulates 48 hours of a 200-workload estate (about 10M stored flows),
// ingests it, serves it, and times every insight and the resource map over HTTP.
func benchHub(weir, work string, rate float64, runs int) {
	logs, data := filepath.Join(work, "hub-logs"), filepath.Join(work, "hub-data")
	out, err := exec.Command(weir, "simulate", "--out", logs, "--hours", "48", "--workloads", "200", "--rate", fmt.Sprint(rate)).CombinedOutput()
	if err != nil {
		log.Fatalf("weir simulate: %v\n%s", err, out)
	}
	args := []string{"ingest", "--data", data, "--inventory", filepath.Join(logs, "inventory.yaml"), "--sanctioned-llm", "Azure OpenAI"}
	feeds, _ := filepath.Glob(filepath.Join(logs, "intel", "*"))
	for _, f := range feeds {
		args = append(args, "--intel", f)
	}
	for _, d := range []string{"aws", "azure", "gcp", "zeek", "route53"} {
		args = append(args, filepath.Join(logs, d))
	}
	if out, err := exec.Command(weir, args...).CombinedOutput(); err != nil {
		log.Fatalf("weir ingest: %v\n%s", err, out)
	}
	stored := storedFlows(weir, data)

	// One hunt: every detector over the last 24 hours, as `weir hunt` runs it.
	t0 := time.Now()
	if out, err := exec.Command(weir, "hunt", "--data", data, "--until", "2026-01-15T00:00:00Z", "--window", "24h").CombinedOutput(); err != nil {
		fmt.Printf("hunt: failed: %v\n%s\n", err, out)
	} else {
		fmt.Printf("one hunt (every detector) over 24 h of %d flows: %.1f s\n", stored, time.Since(t0).Seconds())
	}

	addr := freeAddr()
	srv := exec.Command(weir, "serve", "--data", data, "--listen", addr, "--inventory", filepath.Join(logs, "inventory.yaml"))
	srv.Env = append(os.Environ(), "WEIR_TOKEN=bench")
	stdout, _ := srv.StdoutPipe()
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	defer srv.Process.Kill()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "serving") {
	}
	go io.Copy(io.Discard, stdout)
	base := "http://" + addr
	const span = "until=2026-01-15T00:00:00Z&window=24h"

	get := func(path string) time.Duration {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		req, _ := http.NewRequest("GET", base+path+sep+span, nil)
		req.Header.Set("Authorization", "Bearer bench")
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			log.Fatalf("GET %s: %s\n%s", path, resp.Status, body)
		}
		return time.Since(t0)
	}
	median := func(ds []time.Duration) time.Duration { slices.Sort(ds); return ds[len(ds)/2] }

	var worst time.Duration
	var worstID string
	var p50s []string
	for _, id := range hubInsights {
		var ds []time.Duration
		for range runs {
			ds = append(ds, get("/api/v1/insights/"+id))
		}
		m := median(ds)
		p50s = append(p50s, fmt.Sprintf("%s %d", strings.SplitN(id, "?", 2)[0], m.Milliseconds()))
		if m > worst {
			worst, worstID = m, id
		}
	}
	fmt.Printf("insights over 24 h of %d flows (48 h stored), p50 of %d runs: slowest %s %d ms; each: %s\n",
		stored, runs, worstID, worst.Milliseconds(), strings.Join(p50s, ", "))

	// The whole Hub as the console loads it: every widget at once, six at a time.
	var whole []time.Duration
	for range runs {
		t0 := time.Now()
		var wg sync.WaitGroup
		sem := make(chan struct{}, 6)
		for _, id := range hubInsights {
			wg.Add(1)
			sem <- struct{}{}
			go func() { defer wg.Done(); get("/api/v1/insights/" + id); <-sem }()
		}
		wg.Wait()
		whole = append(whole, time.Since(t0))
	}
	fmt.Printf("whole Hub (%d widgets, Now and Prev, 6 requests at a time): p50 %d ms over %d runs\n",
		len(hubInsights), median(whole).Milliseconds(), runs)

	var maps []time.Duration
	for range runs {
		maps = append(maps, get("/api/v1/maps/resource/HQ-WS-003?depth=2"))
	}
	fmt.Printf("resource map of HQ-WS-003 at depth 2: p50 %d ms over %d runs\n", median(maps).Milliseconds(), runs)
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
