// Package llm is weir's catalog of AI/LLM services: which provider a domain or an
// IP address belongs to (OpenAI, Anthropic, Google Gemini, ...), and whether the
// organisation sanctioned that provider. It owns the catalog and its matching; it
// does not resolve IPs to domains (package dns does) nor decide what unsanctioned
// use means (the shadow-llm detector does).
//
// A Catalog is built once by New and is then read-only: any number of goroutines
// may call ByDomain and ByIP. To change the configuration, build a new Catalog
// and swap the pointer the callers read.
package llm

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"net/netip"
	"strings"

	"github.com/gaissmai/bart"
)

//go:embed data/*.txt
var data embed.FS

// Configuration says which providers are sanctioned and adds providers or
// domains of one's own.
type Configuration struct {
	// Sanctioned names the providers the organisation approved, as Provider.Name
	// spells them (case does not matter). An unknown name is an error.
	Sanctioned []string `yaml:"sanctioned"`
	// Extra adds providers; one with the name of a built-in provider extends it.
	Extra []Provider `yaml:"extra"`
}

// Provider is one AI service and what names it.
type Provider struct {
	Name string `yaml:"name"`
	// Domains match the name itself and any subdomain (api.openai.com for openai.com).
	Domains []string `yaml:"domains"`
	// Hosts match exactly one name: a provider's host on a shared platform.
	Hosts []string `yaml:"hosts"`
	// Ranges are CIDRs the provider's traffic uses.
	Ranges []string `yaml:"ranges"`
}

// Match is what the catalog says about a domain or address.
type Match struct {
	Provider   string
	Sanctioned bool
}

// Catalog answers ByDomain and ByIP. The maps and table hold an index into
// matches so that every hit returns the same shared strings.
type Catalog struct {
	matches  []Match
	suffixes map[string]uint16 // domain → index, matched on label boundaries
	hosts    map[string]uint16 // exact host → index
	ranges   bart.Table[uint16]
}

// New builds a catalog from the built-in providers and cfg.
func New(cfg Configuration) (*Catalog, error) {
	c := &Catalog{suffixes: map[string]uint16{}, hosts: map[string]uint16{}}
	index := map[string]uint16{} // lower-case provider name → index
	providers := append(append([]Provider(nil), builtin...), cfg.Extra...)
	for _, p := range providers {
		if strings.TrimSpace(p.Name) == "" {
			return nil, fmt.Errorf("llm provider with no name (domains %v)", p.Domains)
		}
		key := strings.ToLower(p.Name)
		i, ok := index[key]
		if !ok {
			i = uint16(len(c.matches))
			index[key] = i
			c.matches = append(c.matches, Match{Provider: p.Name})
		}
		for _, d := range p.Domains {
			d, err := cleanDomain(d)
			if err != nil {
				return nil, fmt.Errorf("llm provider %s: %w", p.Name, err)
			}
			c.suffixes[d] = i
		}
		for _, h := range p.Hosts {
			h, err := cleanDomain(h)
			if err != nil {
				return nil, fmt.Errorf("llm provider %s: %w", p.Name, err)
			}
			c.hosts[h] = i
		}
		for _, r := range p.Ranges {
			pfx, err := parseRange(r)
			if err != nil {
				return nil, fmt.Errorf("llm provider %s: %w", p.Name, err)
			}
			c.ranges.Insert(pfx, i)
		}
		if file, ok := builtinRanges[p.Name]; ok {
			if err := c.loadRanges(file, i); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range cfg.Sanctioned {
		i, ok := index[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return nil, fmt.Errorf("sanctioned llm provider %q is not in the catalog (known: %s)", name, c.names())
		}
		c.matches[i].Sanctioned = true
	}
	return c, nil
}

// Providers lists the catalog's providers in order, with their sanction.
func (c *Catalog) Providers() []Match { return append([]Match(nil), c.matches...) }

func (c *Catalog) names() string {
	names := make([]string, len(c.matches))
	for i, m := range c.matches {
		names[i] = m.Provider
	}
	return strings.Join(names, ", ")
}

func (c *Catalog) loadRanges(file string, i uint16) error {
	b, err := data.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read embedded %s: %w", file, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == '#' {
			continue
		}
		pfx, err := parseRange(s)
		if err != nil {
			return fmt.Errorf("embedded %s:%d: %w", file, line, err)
		}
		c.ranges.Insert(pfx, i)
	}
	return nil
}

func parseRange(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("range %q: %w", s, err)
		}
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("range %q: %w", s, err)
	}
	return p.Masked(), nil
}

// cleanDomain lower-cases a configured domain and checks it is a host name.
func cleanDomain(d string) (string, error) {
	s := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	s = strings.TrimPrefix(s, "*.")
	if s == "" || len(s) > 253 || s[0] == '.' || strings.Contains(s, "..") {
		return "", fmt.Errorf("domain %q is not a host name", d)
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '.' || b == '_') {
			return "", fmt.Errorf("domain %q is not a host name", d)
		}
	}
	return s, nil
}
