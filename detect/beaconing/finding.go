package beaconing

import (
	"fmt"
	"math"
	"strconv"

	"github.com/weirhq/weir/detect"
)

// finding reports p, scored s.
func (p *pair) finding(s scored) detect.Finding {
	who := p.src
	if p.workload != "" {
		who = p.workload + " (" + p.src + ")"
	}
	to := p.dst
	if p.domain != "" {
		to = p.domain + " (" + p.dst + ")"
	}
	every := secs(s.interval.median)
	f := detect.Finding{
		Key:        detect.KeyOf(Name, p.src, p.dst, strconv.Itoa(int(p.port))),
		Title:      fmt.Sprintf("%s beacons to %s on port %d every %s", who, to, p.port, every),
		Tactics:    []string{"TA0011"},
		Techniques: techniques(p.port),
		Score:      s.total,
		Severity:   detect.SeverityOf(s.total),
		FirstSeen:  p.starts[0],
		LastSeen:   p.starts[len(p.starts)-1],
		Entities:   detect.Entities{Sources: []string{p.src}, Destinations: []string{p.dst}},
		Evidence: detect.Evidence{
			Flows: uint64(len(p.starts)), Bytes: p.bytes, Ports: []uint16{p.port},
			Filter: fmt.Sprintf("src.ip = %s and dst.ip = %s and service.port = %d", strconv.Quote(p.src), strconv.Quote(p.dst), p.port),
			Score:  s.reasons,
			Details: map[string]any{
				"median_interval_seconds": math.Round(s.interval.median),
				"interval_mad_seconds":    math.Round(s.interval.mad),
				"interval_skew":           round2(s.interval.skew),
				"median_bytes":            math.Round(s.size.median),
				"size_mad_bytes":          math.Round(s.size.mad),
				"size_skew":               round2(s.size.skew),
				"hours_with_connections":  s.hours,
				"window_hours":            s.windowHours,
			},
		},
	}
	if p.workload != "" {
		f.Entities.Workloads = []string{p.workload}
	}
	if p.country != "" {
		f.Evidence.Countries = []string{p.country}
	}
	if p.domain != "" {
		f.Evidence.Details["domain"] = p.domain
	}
	if p.service != "" {
		f.Evidence.Details["service"] = p.service
	}
	f.Summary = fmt.Sprintf("%s connected to %s %d times over %d of %d hours, every %s (median absolute deviation %s), "+
		"sending a median of %.0f bytes each time: the rhythm of an implant asking its C2 server for work.",
		who, to, len(p.starts), s.hours, s.windowHours, every, secs(s.interval.mad), s.size.median)
	return f
}

// techniques are T1071 and, on the web ports, its web-protocols sub-technique.
func techniques(port uint16) []string {
	switch port {
	case 80, 443, 8080, 8443:
		return []string{"T1071", "T1071.001"}
	}
	return []string{"T1071"}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
