package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/internal/testutil"
)

// now is when the tests ask, half an hour after the last scripted activity.
var now = time.Date(2026, 1, 14, 12, 30, 0, 0, time.UTC)

type fakeFindings struct {
	fs  []Tracked
	err error
}

func (f *fakeFindings) Findings(ctx context.Context) ([]Tracked, error) { return f.fs, f.err }

func loadFindings(t testing.TB) []Tracked {
	t.Helper()
	b, err := os.ReadFile("testdata/findings.json")
	if err != nil {
		t.Fatal(err)
	}
	var fs []Tracked
	if err := json.Unmarshal(b, &fs); err != nil {
		t.Fatalf("testdata/findings.json: %v", err)
	}
	return fs
}

func newAgent(t testing.TB, fs []Tracked, rw Rewriter) *Agent {
	t.Helper()
	a, err := New(slog.New(slog.DiscardHandler), Configuration{}, Dependencies{Findings: &fakeFindings{fs: fs}, Rewriter: rw})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSummariesGolden(t *testing.T) {
	got, err := newAgent(t, loadFindings(t), nil).Summaries(context.Background(), "", now)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "testdata/summaries.golden.json", testutil.JSON(t, got))
}

func TestPersonas(t *testing.T) {
	a := newAgent(t, loadFindings(t), nil)
	for _, tc := range []struct {
		persona   string
		ids       []string
		attention string
		tags      []string
	}{
		{persona: ThreatHunting, ids: []string{"f-lat-ws12", "f-scan-ws12", "f-bad-ip", "f-old-brute", "f-telnet", "f-anydesk"},
			attention: AttentionCritical, // 4 high findings: a campaign
			tags:      []string{"TA0011 Command and Control", "TA0001 Initial Access", "TA0006 Credential Access", "TA0007 Discovery", "TA0008 Lateral Movement"}},
		{persona: IncidentResponse, ids: []string{"f-exfil-crm", "f-lat-ws12", "f-scan-ws12", "f-bad-ip"}, // not the brute force of 3 days ago
			attention: AttentionCritical,
			tags:      []string{"TA0007 Discovery", "TA0008 Lateral Movement", "TA0010 Exfiltration", "TA0011 Command and Control"}},
		{persona: DataProtection, ids: []string{"f-exfil-crm", "f-llm-dev"}, attention: AttentionCritical,
			tags: []string{"TA0010 Exfiltration"}},
		{persona: Compliance, ids: []string{"f-telnet", "f-llm-dev", "f-anydesk"}, attention: AttentionMedium,
			tags: []string{"TA0001 Initial Access", "TA0010 Exfiltration", "TA0011 Command and Control"}},
	} {
		t.Run(tc.persona, func(t *testing.T) {
			ss, err := a.Summaries(context.Background(), tc.persona, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(ss) != 1 {
				t.Fatalf("got %d summaries, want 1", len(ss))
			}
			s := ss[0]
			var ids []string
			for _, l := range s.Findings {
				ids = append(ids, l.ID)
				if l.URL != "/api/v1/findings/"+l.ID {
					t.Errorf("link %s: URL %q", l.ID, l.URL)
				}
			}
			if diff := cmp.Diff(ids, tc.ids); diff != "" {
				t.Errorf("findings (-got, +want):\n%s", diff)
			}
			if s.Attention != tc.attention {
				t.Errorf("attention %s, want %s", s.Attention, tc.attention)
			}
			if diff := cmp.Diff(s.Tags, tc.tags); diff != "" {
				t.Errorf("tags (-got, +want):\n%s", diff)
			}
			if n := sentences(s.Narrative); n < 2 || n > 5 {
				t.Errorf("%d sentences, want 2 to 5: %s", n, s.Narrative)
			}
			for _, f := range s.Facts {
				if !strings.Contains(s.Narrative, f) {
					t.Errorf("fact %q is not in the narrative", f)
				}
			}
		})
	}
}

var sentenceEnd = regexp.MustCompile(`\.( |$)`)

func sentences(text string) int { return len(sentenceEnd.FindAllString(text, -1)) }

func TestNarrativeNamesTheFacts(t *testing.T) {
	ss, err := newAgent(t, loadFindings(t), nil).Summaries(context.Background(), DataProtection, now)
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	for _, want := range []string{
		"2 open findings for data protection (1 critical, 1 medium)",
		"Bulk data egress (TA0010 Exfiltration) from CRM-Prod-DB1: 15.6 GB to 3 countries (BR, CN and RU), 1,204 flows from 10.20.1.15 to 203.0.113.7, 198.51.100.23 and 192.0.2.44 on port 443",
		"first seen 2026-01-14 02:10 UTC, last seen 04:55 UTC (critical, score 95)",
		"Unsanctioned AI service use (TA0010 Exfiltration) from Dev-WS-07: 48.2 MB to 1 country (US), 310 flows from 10.30.4.7",
		"Analysts left 1 comment.",
	} {
		if !strings.Contains(s.Narrative, want) {
			t.Errorf("narrative lacks %q:\n%s", want, s.Narrative)
		}
	}
	if len(s.Comments) != 1 || s.Comments[0].FindingID != "f-exfil-crm" {
		t.Errorf("comments %+v, want maria's on f-exfil-crm", s.Comments)
	}
	for _, want := range []string{"CRM-Prod-DB1", "10.20.1.15", "15.6 GB", "BR", "1,204", "203.0.113.7", "Dev-WS-07"} {
		if !contains(s.Facts, want) {
			t.Errorf("facts %q lack %q", s.Facts, want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestManyGroupsStayWithinFiveSentences(t *testing.T) {
	var fs []Tracked
	for i, w := range []string{"A-1", "B-2", "C-3", "D-4", "E-5"} {
		fs = append(fs, Tracked{Finding: detect.Finding{ID: "f-" + w, Detector: "exfiltration", Title: "t.", Tactics: []string{"TA0010"},
			Severity: detect.High, Score: 80 - i, LastSeen: now, FirstSeen: now.Add(-time.Hour),
			Entities: detect.Entities{Workloads: []string{w}}, Evidence: detect.Evidence{Bytes: uint64(i+1) * 1e9, Countries: []string{"CN"}}}})
	}
	ss, err := newAgent(t, fs, nil).Summaries(context.Background(), DataProtection, now)
	if err != nil {
		t.Fatal(err)
	}
	n := ss[0].Narrative
	if sentences(n) != 5 || !strings.Contains(n, "2 more findings in 2 other groups are linked below.") {
		t.Errorf("narrative of %d sentences, want 5 ending with the 2 further findings:\n%s", sentences(n), n)
	}
	if strings.Contains(n, "D-4") {
		t.Errorf("the 4th group is named: %s", n)
	}
}

func TestNoFindings(t *testing.T) {
	ss, err := newAgent(t, nil, nil).Summaries(context.Background(), "", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != len(Personas) {
		t.Fatalf("%d summaries, want %d", len(ss), len(Personas))
	}
	for _, s := range ss {
		if s.Attention != AttentionLow || s.Counts.Total != 0 || s.Findings == nil || s.Tags == nil ||
			!strings.HasPrefix(s.Narrative, "No open findings for ") {
			t.Errorf("%s: %+v", s.Persona, s)
		}
	}
}

func TestUnknownPersona(t *testing.T) {
	_, err := newAgent(t, nil, nil).Summaries(context.Background(), "ciso", now)
	if !errors.Is(err, ErrUnknownPersona) || !strings.Contains(err.Error(), "threat-hunting, incident-response, data-protection, compliance") {
		t.Errorf("err = %v, want ErrUnknownPersona listing the personas", err)
	}
}

func TestReadError(t *testing.T) {
	a, _ := New(slog.New(slog.DiscardHandler), Configuration{}, Dependencies{Findings: &fakeFindings{err: errors.New("db down")}})
	if _, err := a.Summaries(context.Background(), "", now); err == nil || !strings.Contains(err.Error(), "db down") {
		t.Errorf("err = %v, want the reader's", err)
	}
}

func TestAttention(t *testing.T) {
	sev := func(ss ...string) []Tracked {
		var fs []Tracked
		for _, s := range ss {
			fs = append(fs, Tracked{Finding: detect.Finding{Severity: s}})
		}
		return fs
	}
	for _, tc := range []struct {
		name string
		fs   []Tracked
		want string
	}{
		{"none", nil, AttentionLow},
		{"one low", sev("low"), AttentionLow},
		{"three low", sev("low", "low", "low"), AttentionMedium},
		{"one medium among lows", sev("low", "medium", "low", "low"), AttentionMedium},
		{"two high", sev("high", "high", "medium"), AttentionHigh},
		{"three high", sev("high", "high", "high"), AttentionCritical},
		{"one critical", sev("critical", "low"), AttentionCritical},
		{"many critical stay critical", sev("critical", "critical", "critical"), AttentionCritical},
		{"unknown severity", sev("weird"), AttentionLow},
	} {
		if got := attention(tc.fs); got != tc.want {
			t.Errorf("%s: attention %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[uint64]string{
		0: "0 B", 999: "999 B", 1000: "1.0 kB", 1500: "1.5 kB", 48_200_000: "48.2 MB", 15_600_000_000: "15.6 GB",
		99_960_000: "100 MB", 999_960: "1.0 MB", 120e12: "120 TB", 18e18: "18.0 EB",
	} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTag(t *testing.T) {
	for id, want := range map[string]string{"TA0010": "TA0010 Exfiltration", "TA0011": "TA0011 Command and Control", "TA9999": "TA9999"} {
		if got := Tag(id); got != want {
			t.Errorf("Tag(%s) = %q, want %q", id, got, want)
		}
	}
}

func BenchmarkSummaries(b *testing.B) {
	base := loadFindings(b)
	var fs []Tracked
	for i := range 200 {
		for _, f := range base {
			f.ID = fmt.Sprintf("%s-%d", f.ID, i)
			f.Entities.Workloads = []string{fmt.Sprintf("%s-%d", f.Detector, i)}
			fs = append(fs, f)
		}
	}
	a := newAgent(b, fs, nil)
	for b.Loop() {
		if _, err := a.Summaries(context.Background(), "", now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(fs)*b.N)/b.Elapsed().Seconds(), "findings/s")
}
