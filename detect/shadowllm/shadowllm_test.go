package shadowllm

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
)

func TestDetect(t *testing.T) {
	llm := func(at time.Time, src, dst, provider string, sanctioned bool, bytes uint64) flow.Record {
		c := conn(at, 10*time.Second, src, dst, 443, bytes, flow.Outbound)
		c.LLMProvider, c.LLMSanctioned, c.Dst.Domain = provider, sanctioned, "api.example"
		return c
	}
	var recs []flow.Record
	for h := range 10 {
		at := t0.Add(time.Duration(h) * time.Hour)
		recs = append(recs,
			llm(at, "10.0.0.5", "104.18.32.47", "OpenAI", false, 2e6),                        // new, heavy
			llm(at, "10.0.0.6", "160.79.104.10", "Anthropic", false, 5e3),                    // light
			llm(at, "10.0.0.7", "20.50.0.10", "Azure OpenAI", true, 50e6),                    // sanctioned
			llm(at.Add(-12*time.Hour), "10.0.0.6", "160.79.104.10", "Anthropic", false, 5e3), // baseline use
		)
		answer := llm(at, "10.0.0.8", "104.18.32.47", "OpenAI", false, 1e6)
		answer.Answer = true // a server's half is not a use
		recs = append(recs, answer)
	}
	st := store(t, recs)
	fs, err := New(Configuration{}).Detect(context.Background(), st, window)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"shadow-llm:10.0.0.5|OpenAI", "shadow-llm:10.0.0.6|Anthropic"}, findingKeys(fs)); diff != "" {
		t.Fatalf("findings (-want, +got):\n%s", diff)
	}
	checkScores(t, fs)
	heavy, light := fs[0], fs[1]
	if heavy.Score <= light.Score || heavy.Evidence.Bytes != 20e6 || heavy.Evidence.Flows != 10 {
		t.Errorf("heavy new use scored %d (%d bytes, %d flows), light known use %d", heavy.Score, heavy.Evidence.Bytes, heavy.Evidence.Flows, light.Score)
	}
	if diff := cmp.Diff([]string{"T1567"}, heavy.Techniques); diff != "" {
		t.Errorf("techniques (-want, +got):\n%s", diff)
	}
	if !heavy.FirstSeen.Equal(t0) || !heavy.LastSeen.Equal(t0.Add(10*time.Hour)) {
		t.Errorf("seen %s – %s", heavy.FirstSeen, heavy.LastSeen)
	}
}
