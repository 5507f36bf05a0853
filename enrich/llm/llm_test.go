package llm

import (
	"bufio"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/internal/testutil"
)

func newCatalog(t testing.TB, cfg Configuration) *Catalog {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestByDomain(t *testing.T) {
	c := newCatalog(t, Configuration{
		Sanctioned: []string{"openai", "GitHub Copilot"},
		Extra: []Provider{
			{Name: "Internal LLM", Domains: []string{"llm.corp.example"}},
			{Name: "Anthropic", Domains: []string{"anthropic.example"}},
		},
	})
	tests := []struct {
		domain string
		want   Match
		ok     bool
	}{
		{"api.openai.com", Match{"OpenAI", true}, true},
		{"chat.openai.com", Match{"OpenAI", true}, true},
		{"openai.com", Match{"OpenAI", true}, true},
		{"API.OpenAI.COM.", Match{"OpenAI", true}, true},
		{"chatgpt.com", Match{"OpenAI", true}, true},
		{"notopenai.com", Match{}, false},
		{"openai.com.evil.example", Match{}, false},
		{"com", Match{}, false},
		{"", Match{}, false},
		{".", Match{}, false},
		{"api.anthropic.com", Match{"Anthropic", false}, true},
		{"claude.ai", Match{"Anthropic", false}, true},
		{"x.anthropic.example", Match{"Anthropic", false}, true}, // an extra extends a built-in provider
		{"generativelanguage.googleapis.com", Match{"Google Gemini", false}, true},
		{"storage.googleapis.com", Match{}, false},
		{"gemini.google.com", Match{"Google Gemini", false}, true},
		{"api.x.ai", Match{"xAI Grok", false}, true},
		{"x.com", Match{}, false},
		{"api.mistral.ai", Match{"Mistral", false}, true},
		{"api.deepseek.com", Match{"DeepSeek", false}, true},
		{"www.perplexity.ai", Match{"Perplexity", false}, true},
		{"api.groq.com", Match{"Groq", false}, true},
		{"cdn-lfs.huggingface.co", Match{"Hugging Face", false}, true},
		{"copilot-proxy.githubusercontent.com", Match{"GitHub Copilot", true}, true},
		{"raw.githubusercontent.com", Match{}, false}, // a host entry, not a suffix
		{"a.copilot-proxy.githubusercontent.com", Match{}, false},
		{"api.individual.githubcopilot.com", Match{"GitHub Copilot", true}, true},
		{"www.meta.ai", Match{"Meta AI", false}, true},
		{"api.cohere.com", Match{"Cohere", false}, true},
		{"chat.llm.corp.example", Match{"Internal LLM", false}, true},
		{"openai.com.cdn.cloudflare.net", Match{"OpenAI", true}, true},
		{"cdn.cloudflare.net", Match{}, false},
	}
	for _, tt := range tests {
		got, ok := c.ByDomain(tt.domain)
		if ok != tt.ok {
			t.Errorf("ByDomain(%q) ok = %v, want %v", tt.domain, ok, tt.ok)
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("ByDomain(%q) (-got, +want):\n%s", tt.domain, diff)
		}
	}
}

func TestByIP(t *testing.T) {
	c := newCatalog(t, Configuration{
		Sanctioned: []string{"Perplexity"},
		Extra:      []Provider{{Name: "Internal LLM", Ranges: []string{"10.20.0.0/16", "2001:db8:11::/48", "192.0.2.9"}}},
	})
	tests := []struct {
		ip   string
		want Match
		ok   bool
	}{
		{"172.182.204.17", Match{"OpenAI", false}, true},  // 172.182.204.0/24
		{"104.210.139.200", Match{"OpenAI", false}, true}, // 104.210.139.192/28
		{"104.210.139.208", Match{}, false},               // just past the /28
		{"::ffff:172.182.204.17", Match{"OpenAI", false}, true},
		{"107.20.236.150", Match{"Perplexity", true}, true},
		{"10.20.3.4", Match{"Internal LLM", false}, true},
		{"2001:db8:11::5", Match{"Internal LLM", false}, true},
		{"192.0.2.9", Match{"Internal LLM", false}, true},
		{"192.0.2.10", Match{}, false},
		{"8.8.8.8", Match{}, false},
	}
	for _, tt := range tests {
		got, ok := c.ByIP(netip.MustParseAddr(tt.ip))
		if ok != tt.ok || got != tt.want {
			t.Errorf("ByIP(%s) = %+v, %v; want %+v, %v", tt.ip, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Configuration
		want string
	}{
		{"unknown sanctioned", Configuration{Sanctioned: []string{"ChatGPT"}}, `"ChatGPT" is not in the catalog`},
		{"bad range", Configuration{Extra: []Provider{{Name: "X", Ranges: []string{"10.0.0.0/33"}}}}, `range "10.0.0.0/33"`},
		{"bad domain", Configuration{Extra: []Provider{{Name: "X", Domains: []string{"a b.example"}}}}, `"a b.example" is not a host name`},
		{"no name", Configuration{Extra: []Provider{{Domains: []string{"a.example"}}}}, "no name"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New() error = %v, want it to mention %s", tt.name, err, tt.want)
		}
	}
}

// TestConformanceDomains checks that every domain rule of the v2fly lists for a
// provider weir covers names that provider, except the generic hosts weir leaves
// out on purpose (data/SOURCE.md).
func TestConformanceDomains(t *testing.T) {
	dir := testutil.SharedFormats(t, "ai-service-domains")
	c := newCatalog(t, Configuration{})
	files := map[string]string{
		"openai.txt": "OpenAI", "anthropic.txt": "Anthropic", "google-deepmind.txt": "Google Gemini",
		"xai.txt": "xAI Grok", "deepseek.txt": "DeepSeek", "groq.txt": "Groq", "perplexity.txt": "Perplexity",
		"huggingface.txt": "Hugging Face", "github-copilot.txt": "GitHub Copilot",
	}
	checked := 0
	for file, provider := range files {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			rule := strings.TrimSpace(sc.Text())
			if rule == "" || rule[0] == '#' || strings.HasPrefix(rule, "regexp:") ||
				strings.HasPrefix(rule, "include:") || strings.Contains(rule, "@ads") {
				continue
			}
			host := strings.TrimPrefix(rule, "full:")
			if host == "host.livekit.cloud" || host == "turn.livekit.cloud" ||
				host == "openaicom-api-bdcpf8c6d2e9atf6.z01.azurefd.net" {
				continue // shared platform hosts or per-deployment names, left out on purpose
			}
			checked++
			got, ok := c.ByDomain(host)
			if !ok || got.Provider != provider {
				t.Errorf("%s: %s → %+v, %v; want %s", file, host, got, ok, provider)
			}
		}
		f.Close()
	}
	if checked < 40 {
		t.Errorf("checked only %d rules; the sample files changed?", checked)
	}
}

// TestConformanceRanges checks every published egress range of the shared
// samples, first and last address, against ByIP.
func TestConformanceRanges(t *testing.T) {
	dir := testutil.SharedFormats(t, "cloud-ip-ranges")
	c := newCatalog(t, Configuration{})
	for file, provider := range map[string]string{"disposable-openai.json": "OpenAI", "disposable-perplexity.json": "Perplexity"} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ IPv4, IPv6 []string }
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, s := range append(doc.IPv4, doc.IPv6...) {
			p := netip.MustParsePrefix(s)
			last := lastAddr(p)
			for _, a := range []netip.Addr{p.Addr(), last} {
				if got, ok := c.ByIP(a); !ok || got.Provider != provider {
					t.Errorf("%s: ByIP(%s) = %+v, %v; want %s", file, a, got, ok, provider)
				}
			}
		}
	}
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

func TestByDomainNoAlloc(t *testing.T) {
	c := newCatalog(t, Configuration{})
	for _, d := range []string{"api.openai.com", "API.OpenAI.com", "www.example.org"} {
		if n := testing.AllocsPerRun(100, func() { c.ByDomain(d) }); n != 0 {
			t.Errorf("ByDomain(%q) allocates %v times", d, n)
		}
	}
}

func BenchmarkByDomain(b *testing.B) {
	c := newCatalog(b, Configuration{Sanctioned: []string{"OpenAI"}})
	domains := []string{"api.openai.com", "www.example.org", "s3.eu-west-1.amazonaws.com",
		"claude.ai", "login.microsoftonline.com", "a.b.c.d.cdn.example.net"}
	n := 0
	for b.Loop() {
		c.ByDomain(domains[n%len(domains)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}

func BenchmarkByIP(b *testing.B) {
	c := newCatalog(b, Configuration{})
	ips := []netip.Addr{netip.MustParseAddr("172.182.204.17"), netip.MustParseAddr("8.8.8.8"),
		netip.MustParseAddr("2001:db8::1")}
	n := 0
	for b.Loop() {
		c.ByIP(ips[n%len(ips)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}
