package hunt

import (
	"fmt"
	"net/netip"
	"path"
	"strings"

	"github.com/weirhq/weir/detect"
)

// Rule suppresses the findings it covers: they are dropped before they are
// stored. Every field the rule sets must match (and); a list field matches when
// the finding names at least one such entity and every one it names is in the
// list, so a scan from the known scanner and from an unknown host is not
// suppressed by a rule for the scanner. In the config file (`hunt.suppress`):
//
//	suppress:
//	  - name: vulnerability scanner
//	    detector: port-scan            # optional: every detector when empty
//	    source: 10.20.0.15             # IPs or CIDRs, one or a list
//	    reason: weekly Nessus scan, ticket SEC-120
//	  - name: nightly backup
//	    detector: exfiltration
//	    workload: [backup-*]           # names, with * and ? globs
//	    destination: [203.0.113.0/24]
//	    service: [HTTPS]               # the finding's evidence.details.service(s)
type Rule struct {
	Name        string `yaml:"name" json:"name"`
	Detector    string `yaml:"detector" json:"detector,omitempty"`
	Source      List   `yaml:"source" json:"source,omitempty"`
	Destination List   `yaml:"destination" json:"destination,omitempty"`
	Workload    List   `yaml:"workload" json:"workload,omitempty"`
	Service     List   `yaml:"service" json:"service,omitempty"`
	Reason      string `yaml:"reason" json:"reason,omitempty"`
}

// List is one value or a list of them in YAML.
type List []string

// UnmarshalYAML accepts `x` as well as `[x, y]`.
func (l *List) UnmarshalYAML(unmarshal func(any) error) error {
	var one string
	if err := unmarshal(&one); err == nil {
		*l = List{one}
		return nil
	}
	var many []string
	if err := unmarshal(&many); err != nil {
		return fmt.Errorf("want a value or a list of values: %w", err)
	}
	*l = many
	return nil
}

// rule is a Rule ready to match.
type rule struct {
	name                  string
	detector              string
	sources, destinations []netip.Prefix
	workloads, services   []string
}

// Validate checks rules as compile would, for `weir serve --check`.
func Validate(rules []Rule) error {
	_, err := compile(rules)
	return err
}

func compile(rules []Rule) ([]rule, error) {
	out := make([]rule, 0, len(rules))
	for i, r := range rules {
		name := r.Name
		if name == "" {
			name = fmt.Sprintf("suppress[%d]", i)
		}
		c := rule{name: name, detector: r.Detector}
		var err error
		if c.sources, err = prefixes(r.Source); err != nil {
			return nil, fmt.Errorf("suppression rule %q: source: %w", name, err)
		}
		if c.destinations, err = prefixes(r.Destination); err != nil {
			return nil, fmt.Errorf("suppression rule %q: destination: %w", name, err)
		}
		for _, w := range r.Workload {
			if _, err := path.Match(w, ""); err != nil {
				return nil, fmt.Errorf("suppression rule %q: workload %q: %w", name, w, err)
			}
			c.workloads = append(c.workloads, strings.ToLower(w))
		}
		for _, s := range r.Service {
			c.services = append(c.services, strings.ToLower(s))
		}
		if c.detector == "" && c.sources == nil && c.destinations == nil && c.workloads == nil && c.services == nil {
			return nil, fmt.Errorf("suppression rule %q: names nothing to match, so it would suppress every finding", name)
		}
		out = append(out, c)
	}
	return out, nil
}

func prefixes(vals []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range vals {
		p, err := parsePrefix(v)
		if err != nil {
			return nil, fmt.Errorf("%q: want an IP address or a CIDR like 10.0.0.0/8", v)
		}
		out = append(out, p)
	}
	return out, nil
}

// parsePrefix reads an address as a one-address prefix, or a CIDR.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// match returns the first rule that covers f, or nil.
func match(rules []rule, f *detect.Finding) *rule {
	for i := range rules {
		if rules[i].covers(f) {
			return &rules[i]
		}
	}
	return nil
}

func (r *rule) covers(f *detect.Finding) bool {
	if r.detector != "" && r.detector != f.Detector {
		return false
	}
	if r.sources != nil && !allIn(f.Entities.Sources, r.sources) {
		return false
	}
	if r.destinations != nil && !allIn(f.Entities.Destinations, r.destinations) {
		return false
	}
	if r.workloads != nil && !all(f.Entities.Workloads, func(w string) bool {
		for _, pat := range r.workloads {
			if ok, _ := path.Match(pat, strings.ToLower(w)); ok {
				return true
			}
		}
		return false
	}) {
		return false
	}
	if r.services != nil && !all(services(f), func(s string) bool {
		for _, want := range r.services {
			if strings.EqualFold(s, want) {
				return true
			}
		}
		return false
	}) {
		return false
	}
	return true
}

// allIn is whether the finding names addresses and each one (or network) lies in
// one of the rule's prefixes. A name that is not an address matches nothing.
func allIn(addrs []string, in []netip.Prefix) bool {
	return all(addrs, func(s string) bool {
		p, err := parsePrefix(s)
		if err != nil {
			return false
		}
		for _, r := range in {
			if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
				return true
			}
		}
		return false
	})
}

// all is whether vals is not empty and ok holds for each.
func all(vals []string, ok func(string) bool) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if !ok(v) {
			return false
		}
	}
	return true
}

// services is what a finding says about services: its evidence details'
// "service" (one) or "services" (a list), where detectors put them.
func services(f *detect.Finding) []string {
	var out []string
	switch v := f.Evidence.Details["service"].(type) {
	case string:
		out = append(out, v)
	}
	switch v := f.Evidence.Details["services"].(type) {
	case []string:
		out = append(out, v...)
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
