// Command bench measures weir's pipeline figures end to end with the real binary:
// it writes seeded flow logs (AWS VPC v5 gzip text, Azure VNet v4 JSON), runs
// `weir ingest` on them, then `weir flows` on the result, and prints one line per
// figure. `make bench` runs it; see the README for the figures on the reference machine.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	var (
		weir    = flag.String("weir", "bin/weir", "the weir binary to measure")
		dir     = flag.String("dir", "", "work directory (default: a temporary one, removed after)")
		aws     = flag.Int("aws", 10_000_000, "AWS VPC flows to write (24 h of them)")
		azure   = flag.Int("azure", 1_000_000, "Azure VNet flow tuples to write")
		runs    = flag.Int("runs", 5, "query runs (the median is reported)")
		ingests = flag.Int("ingests", 3, "ingest runs per format (the median is reported)")
		hub     = flag.Bool("hub", true, "also time the Hub's insights and the resource map on a simulated estate")
		hubRate = flag.Float64("hub-rate", 18, "volume of the Hub's simulated estate (18: about 10M flows over 48 h)")
		pipe    = flag.Bool("pipeline", true, "time ingest, size and flows on seeded AWS and Azure logs")
	)
	flag.Parse()
	log.SetFlags(0)
	work := *dir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "weir-bench-"); err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(work)
	}
	if *pipe {
		benchPipeline(*weir, work, *aws, *azure, *runs, *ingests)
	}
	if *hub {
		benchHub(*weir, work, *hubRate, *runs)
	}
}

func benchPipeline(weir, work string, awsN, azureN, runs, ingests int) {
	end := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	must(os.MkdirAll(work, 0o755))
	est := newEstate(1)
	inv := filepath.Join(work, "inventory.yaml")
	must(est.writeInventory(inv))

	awsDir := filepath.Join(work, "aws")
	must(writeAWS(awsDir, est, awsN, end))
	azDir := filepath.Join(work, "azure")
	must(writeAzure(azDir, est, azureN, end))

	// AWS: the big one, also the store's size and the query figure.
	data := filepath.Join(work, "data-aws")
	el, rss := medianIngest(weir, data, inv, awsDir, ingests)
	fmt.Printf("ingest aws-vpc v5 gzip: %d flows in %.1f s = %.0f flows/s end to end (decode+enrich+store), max RSS %.0f MB (median of %d runs)\n",
		awsN, el.Seconds(), float64(awsN)/el.Seconds(), rss, ingests)
	fi, err := os.Stat(filepath.Join(data, "weir.duckdb"))
	must(err)
	stored := storedFlows(weir, data)
	fmt.Printf("store size: %.1f bytes on disk per stored raw flow (%d stored of %d read, the rest reports of a connection already counted at its other end; file %.0f MB: raw flows + hourly rollup + dictionaries)\n",
		float64(fi.Size())/float64(stored), stored, awsN, float64(fi.Size())/1e6)

	ip := est.internal[7].String()
	var times []time.Duration
	var lines int
	for range runs {
		t0 := time.Now()
		out, err := exec.Command(weir, "flows", "--data", data, "--until", end.Format(time.RFC3339), "--window", "24h",
			"--limit", "100", "src.ip = "+ip).CombinedOutput()
		times = append(times, time.Since(t0))
		if err != nil {
			log.Fatalf("weir flows: %v\n%s", err, out)
		}
		lines = strings.Count(string(out), "\n") - 1
	}
	slices.Sort(times)
	fmt.Printf("weir flows 'src.ip = %s' over 24 h of %d flows: median %d ms over %d runs (whole command, %d rows)\n",
		ip, awsN, times[len(times)/2].Milliseconds(), runs, lines)

	data = filepath.Join(work, "data-azure")
	el, rss = medianIngest(weir, data, inv, azDir, ingests)
	fmt.Printf("ingest azure-vnet v4 JSON: %d flows in %.1f s = %.0f flows/s end to end (decode+enrich+store), max RSS %.0f MB (median of %d runs)\n",
		azureN, el.Seconds(), float64(azureN)/el.Seconds(), rss, ingests)
}

// medianIngest runs `weir ingest` n times into a fresh data directory each time and
// returns the median wall time and RSS; the last run's data stays in data.
func medianIngest(weir, data, inv, dir string, n int) (time.Duration, float64) {
	var els []time.Duration
	var rsss []float64
	for range max(n, 1) {
		must(os.RemoveAll(data))
		el, rss := ingest(weir, data, inv, dir)
		els, rsss = append(els, el), append(rsss, rss)
	}
	slices.Sort(els)
	slices.Sort(rsss)
	return els[len(els)/2], rsss[len(rsss)/2]
}

// ingest runs `weir ingest` and returns its wall time and peak RSS in MB.
func ingest(weir, data, inv, dir string) (time.Duration, float64) {
	cmd := exec.Command(weir, "ingest", "--data", data, "--inventory", inv, dir)
	cmd.Stderr = os.Stderr
	t0 := time.Now()
	out, err := cmd.Output()
	el := time.Since(t0)
	if err != nil {
		log.Fatalf("weir ingest %s: %v\n%s", dir, err, out)
	}
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) > 0 {
		log.Printf("  %s", lines[len(lines)-1])
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return el, float64(ru.Maxrss) / 1024
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// storedFlows asks weir how many flows the store holds.
func storedFlows(weir, data string) int64 {
	out, err := exec.Command(weir, "stats", "--data", data).Output()
	if err != nil {
		log.Fatalf("weir stats: %v", err)
	}
	var n int64
	if _, err := fmt.Sscanf(string(out), "flows: %d", &n); err != nil {
		log.Fatalf("weir stats: unexpected output %q", out)
	}
	return n
}
