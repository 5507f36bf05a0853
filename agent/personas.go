package agent

import (
	"slices"
	"strings"
	"time"

	"github.com/weirhq/weir/detect"
)

// Personas, in the order an empty ?persona= lists them.
const (
	ThreatHunting    = "threat-hunting"
	IncidentResponse = "incident-response"
	DataProtection   = "data-protection"
	Compliance       = "compliance"
)

// Personas lists every persona the agent knows.
var Personas = []string{ThreatHunting, IncidentResponse, DataProtection, Compliance}

// Which open (or acknowledged) findings each persona is shown. A finding may
// appear under several personas; resolved and false-positive findings under none.
//
//	persona            shown a finding when
//	threat-hunting     a tactic is TA0043 Reconnaissance, TA0001 Initial Access, TA0006 Credential Access,
//	                   TA0007 Discovery, TA0008 Lateral Movement or TA0011 Command and Control; or the detector
//	                   is port-scan, brute-force, lateral-movement, beaconing, long-connection,
//	                   remote-access-tool or malicious-ip
//	incident-response  severity high or critical and last seen within ActiveWindow of now, whatever the kind
//	data-protection    a tactic is TA0010 Exfiltration; or the detector is exfiltration or shadow-llm; or the
//	                   evidence moved at least LargeTransfer bytes to another country (a large external transfer)
//	compliance         the detector is legacy-protocol, shadow-llm or remote-access-tool, or its name starts
//	                   with "policy"; or a technique is T1219 Remote Access Software or T1567 Exfiltration Over
//	                   Web Service (unsanctioned AI services)
type persona struct {
	name      string // for the narrative: "threat hunting"
	tactics   []string
	detectors []string
	// also is any further rule; the finding is shown when a tactic, a detector
	// or also matches.
	also func(a *Agent, f *Tracked, now time.Time) bool
}

var personas = map[string]persona{
	ThreatHunting: {
		name:      "threat hunting",
		tactics:   []string{"TA0043", "TA0001", "TA0006", "TA0007", "TA0008", "TA0011"},
		detectors: []string{"port-scan", "brute-force", "lateral-movement", "beaconing", "long-connection", "remote-access-tool", "malicious-ip"},
	},
	IncidentResponse: {
		name: "incident response",
		also: func(a *Agent, f *Tracked, now time.Time) bool {
			return severityRank(f.Severity) >= severityRank(detect.High) && !f.LastSeen.Before(now.Add(-a.cfg.ActiveWindow))
		},
	},
	DataProtection: {
		name:      "data protection",
		tactics:   []string{"TA0010"},
		detectors: []string{"exfiltration", "shadow-llm"},
		also: func(a *Agent, f *Tracked, now time.Time) bool {
			return f.Evidence.Bytes >= a.cfg.LargeTransfer && len(f.Evidence.Countries) > 0
		},
	},
	Compliance: {
		name:      "compliance",
		detectors: []string{"legacy-protocol", "shadow-llm", "remote-access-tool"},
		also: func(a *Agent, f *Tracked, now time.Time) bool {
			return strings.HasPrefix(f.Detector, "policy") ||
				slices.ContainsFunc(f.Techniques, func(t string) bool {
					return t == "T1219" || strings.HasPrefix(t, "T1219.") || t == "T1567" || strings.HasPrefix(t, "T1567.")
				})
		},
	},
}

// shows reports whether persona p is shown f.
func (p *persona) shows(a *Agent, f *Tracked, now time.Time) bool {
	if !open(f.Status) {
		return false
	}
	if slices.Contains(p.detectors, f.Detector) {
		return true
	}
	for _, t := range f.Tactics {
		if slices.Contains(p.tactics, t) {
			return true
		}
	}
	return p.also != nil && p.also(a, f, now)
}

// open reports whether a finding with this status still asks for attention: an
// empty status counts as open (a store that keeps none).
func open(status string) bool { return status != "resolved" && status != "false_positive" }

// severityRank orders severities, low = 1 … critical = 4, unknown = 0.
func severityRank(s string) int {
	switch s {
	case detect.Low:
		return 1
	case detect.Medium:
		return 2
	case detect.High:
		return 3
	case detect.Critical:
		return 4
	}
	return 0
}

// Attention levels, lowest first.
const (
	AttentionLow      = "LOW"
	AttentionMedium   = "MEDIUM"
	AttentionHigh     = "HIGH"
	AttentionCritical = "CRITICAL"
)

var attentionLevels = []string{AttentionLow, AttentionLow, AttentionMedium, AttentionHigh, AttentionCritical}

// attention is the level a summary asks for: the worst severity among its
// findings, raised one level when campaignSize or more findings share that
// worst severity (many at the worst level suggests a campaign rather than a
// one-off), up to CRITICAL. No findings: LOW.
func attention(fs []Tracked) string {
	worst, n := 0, 0
	for i := range fs {
		switch r := severityRank(fs[i].Severity); {
		case r > worst:
			worst, n = r, 1
		case r == worst:
			n++
		}
	}
	if worst > 0 && n >= campaignSize {
		worst = min(worst+1, 4)
	}
	return attentionLevels[worst]
}

// campaignSize is how many findings at the worst severity raise the attention level.
const campaignSize = 3
