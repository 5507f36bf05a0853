package insight

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/weirhq/weir/simulate"
	"github.com/weirhq/weir/store/duckdb"
)

// The analyst's stories of the seed playbook, on the simulated estate's truth.

func scenarios(t *testing.T, kinds ...string) []simulate.Scenario {
	t.Helper()
	var out []simulate.Scenario
	for _, sc := range est.Truth.Scenarios {
		if slices.Contains(kinds, sc.Kind) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		t.Fatalf("truth.json has no scenario of kind %v", kinds)
	}
	return out
}

func runInsight(t *testing.T, id string, p Params) *Result {
	t.Helper()
	p.Now = est.Truth.End
	if p.Limit == "" {
		p.Limit = "1000"
	}
	res, err := Run(context.Background(), est.Store, id, p)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return res
}

func find(rows []duckdb.Row, match func(duckdb.Row) bool) duckdb.Row {
	for _, r := range rows {
		if match(r) {
			return r
		}
	}
	return nil
}

// Use case 2: workloads using SMB by destination role, "↑ 69 from 0".
func TestStoryLateralSMBShowsNewSource(t *testing.T) {
	for _, sc := range scenarios(t, "lateral-smb") {
		until := sc.End.Truncate(time.Hour).Add(time.Hour)
		window := until.Sub(sc.Start.Truncate(time.Hour))
		res := runInsight(t, "workloads-by-role", Params{Window: window.String(), Until: until.Format(time.RFC3339),
			Extra: map[string]string{"service": "SMB"}})
		for _, src := range sc.Sources {
			row := find(res.Rows, func(r duckdb.Row) bool { return r["src.ip"] == src && u64(r["flows_now"]) > 0 })
			if row == nil {
				t.Errorf("%s: source %s not among the SMB workloads of %s..%s: %v", sc.ID, src, until.Add(-window), until, res.Rows)
				continue
			}
			if u64(row["flows_prev"]) != 0 || row["flows_delta"].(int64) <= 0 {
				t.Errorf("%s: %s: %v; want new SMB traffic (nothing in Prev)", sc.ID, src, row)
			}
		}
	}
}

// Use case 3: the brute-force attackers and beaconing C2s among the top malicious
// IPs, with their countries and the direction of the traffic.
func TestStoryMaliciousIPs(t *testing.T) {
	res := runInsight(t, "malicious-ips", Params{})
	check := func(sc simulate.Scenario, ips []string, direction string) {
		for _, ip := range ips {
			row := find(res.Rows, func(r duckdb.Row) bool { return r["ip"] == ip && r["direction"] == direction })
			if row == nil {
				t.Errorf("%s: %s (%s) not among the malicious IPs", sc.ID, ip, direction)
				continue
			}
			if !slices.Contains(sc.Expect.Countries, row["country"].(string)) || row["threat"] == "" || row["services"] == "" {
				t.Errorf("%s: %v: want a country of %v, the feeds and the services", sc.ID, row, sc.Expect.Countries)
			}
		}
	}
	for _, sc := range scenarios(t, "brute-force-ssh", "brute-force-rdp") {
		check(sc, sc.Sources, "inbound")
	}
	for _, sc := range scenarios(t, "beaconing") {
		check(sc, sc.Destinations, "outbound")
	}
}

// Use case 5: Shadow LLMs: the unsanctioned providers, and the sanctioned one.
func TestStoryShadowLLM(t *testing.T) {
	res := runInsight(t, "shadow-llm", Params{})
	want := map[string]bool{"OpenAI": false, "Anthropic": false, "Google Gemini": false, "xAI Grok": false,
		est.Truth.SanctionedLLM.Provider: true}
	for provider, sanctioned := range want {
		row := find(res.Rows, func(r duckdb.Row) bool { return r["llm.provider"] == provider })
		if row == nil || row["llm.sanctioned"] != sanctioned || u64(row["flows_now"]) == 0 {
			t.Errorf("%s: %v; want flows with sanctioned %v", provider, row, sanctioned)
		}
	}
	shadow := runInsight(t, "shadow-llm", Params{Extra: map[string]string{"sanctioned": "false"}})
	if find(shadow.Rows, func(r duckdb.Row) bool { return r["llm.sanctioned"] == true }) != nil || len(shadow.Rows) < 4 {
		t.Errorf("sanctioned=false: %v", shadow.Rows)
	}
	grok := runInsight(t, "llm-sources", Params{Extra: map[string]string{"provider": "xAI Grok"}})
	for _, sc := range scenarios(t, "shadow-llm") {
		if sc.Expect.Provider != "xAI Grok" {
			continue
		}
		for _, src := range sc.Sources {
			if find(grok.Rows, func(r duckdb.Row) bool { return r["src.ip"] == src }) == nil {
				t.Errorf("%s: %s not among the sources talking to Grok: %v", sc.ID, src, grok.Rows)
			}
		}
	}
}

// Use case 4: the exfiltration's destination country among external transfers,
// with more bytes than the window before.
func TestStoryExfiltrationCountry(t *testing.T) {
	for _, sc := range scenarios(t, "exfil-burst") {
		until := sc.End.Truncate(time.Hour).Add(time.Hour)
		window := until.Sub(sc.Start.Truncate(time.Hour))
		res := runInsight(t, "external-transfers", Params{Window: window.String(), Until: until.Format(time.RFC3339), By: "bytes",
			Extra: map[string]string{"group": "country"}})
		for _, cc := range sc.Expect.Countries {
			row := find(res.Rows, func(r duckdb.Row) bool { return r["dst.country"] == cc })
			if row == nil || row["bytes_delta"].(int64) < int64(sc.Expect.Bytes)/2 {
				t.Errorf("%s: %s: %v; want the %d bytes sent there in Now", sc.ID, cc, row, sc.Expect.Bytes)
			}
		}
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		id    string
		p     Params
		param string // "" for ErrUnknown
	}{
		{"no-such", Params{}, ""},
		{"zones", Params{Window: "30s"}, "window"},
		{"zones", Params{Window: "91d"}, "window"},
		{"zones", Params{Window: "a while"}, "window"},
		{"zones", Params{Until: "yesterday"}, "until"},
		{"zones", Params{Until: "1999-12-31T00:00:00Z"}, "until"},
		{"zones", Params{Until: "2026-01-17T00:00:00Z"}, "until"},
		{"zones", Params{Limit: "0"}, "limit"},
		{"zones", Params{Limit: "1001"}, "limit"},
		{"zones", Params{By: "packets"}, "by"},
		{"zones", Params{Q: "service = SMB and"}, "q"},
		{"zones", Params{Extra: map[string]string{"group": "country"}}, "group"},
		{"external-transfers", Params{Extra: map[string]string{"group": "planet"}}, "group"},
		{"timeline", Params{Window: "90m", Extra: map[string]string{"bucket": "1h"}}, "bucket"},
		{"timeline", Params{Extra: map[string]string{"bucket": "10s"}}, "bucket"},
	} {
		tc.p.Now = est.Truth.End
		_, err := Run(context.Background(), est.Store, tc.id, tc.p)
		var pe *ParamError
		switch {
		case tc.param == "" && !errors.Is(err, ErrUnknown):
			t.Errorf("%s %+v: %v, want ErrUnknown", tc.id, tc.p, err)
		case tc.param != "" && (!errors.As(err, &pe) || pe.Param != tc.param):
			t.Errorf("%s %+v: %v, want a ParamError on %s", tc.id, tc.p, err, tc.param)
		}
	}
}
