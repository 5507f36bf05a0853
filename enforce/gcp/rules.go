package gcp

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"google.golang.org/api/compute/v1"
)

// Priorities of the weir rules. Lower numbers win, and a deny wins a tie, so
// the allow rules sit just below the deny rules, at the top of the range: only
// another allow rule at priority 0 still gets past the quarantine.
const (
	allowPriority = 0
	denyPriority  = 1
)

const (
	tagPrefix = "weir-q-"
	maxName   = 63 // tags and resource names: RFC 1035 labels
	// longestSuffix is the longest "-n<i>-<kind>" a rule name adds to the tag
	// (an instance has at most 8 interfaces, so i < 8).
	longestSuffix = len("-n7-allow-out6")
)

// tagFor is the network tag that marks the quarantined instance: "weir-q-"
// and the quarantine id without its "q-", lower-cased, with every character
// a tag may not hold turned into "-", at most 63 characters and ending in a
// letter or digit.
func tagFor(quarantineID string) (string, error) {
	id := strings.TrimPrefix(strings.ToLower(quarantineID), "q-")
	var b strings.Builder
	b.WriteString(tagPrefix)
	for _, r := range id {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	tag := b.String()
	tag = strings.TrimRight(tag[:min(len(tag), maxName)], "-")
	if len(tag) < len(tagPrefix) {
		return "", fmt.Errorf("quarantine id %q has no letter or digit to name a network tag", quarantineID)
	}
	return tag, nil
}

// ruleBase starts the name of every rule of the quarantine tagged tag,
// shortened so that each suffix still fits in a name.
func ruleBase(tag string) string {
	return strings.TrimRight(tag[:min(len(tag), maxName-longestSuffix)], "-")
}

// ruleFilter is the firewalls.list filter matching every rule whose name
// starts with base: a regular expression over the whole name, safe because
// base holds only letters, digits and dashes.
func ruleFilter(base string) string {
	return fmt.Sprintf("name eq %q", base+"-.*")
}

// desiredRules are the firewall rules that isolate the instances tagged tag on
// each of networks (full or partial network URLs, the instance's interfaces in
// order): the allow list both ways and DNS out at allowPriority, everything
// else denied both ways at denyPriority, each per address family.
func desiredRules(tag string, networks []string, allow []netip.Prefix, quarantineID, workload string) []*compute.Firewall {
	v4, v6 := splitFamilies(allow)
	base := ruleBase(tag)
	var out []*compute.Firewall
	for i, network := range networks {
		prefix := base
		if i > 0 {
			prefix = fmt.Sprintf("%s-n%d", base, i)
		}
		rule := func(kind, direction string, priority int64, ranges []string, allowed []*compute.FirewallAllowed, denied []*compute.FirewallDenied) {
			f := &compute.Firewall{
				Name:        prefix + "-" + kind,
				Description: fmt.Sprintf("weir quarantine %s of %s: %s", quarantineID, workload, kind),
				Network:     network,
				Direction:   direction,
				Priority:    priority,
				TargetTags:  []string{tag},
				Allowed:     allowed,
				Denied:      denied,
				// Priority 0 is the zero value, which the client would leave out,
				// and Compute Engine would take as 1000.
				ForceSendFields: []string{"Priority"},
			}
			if direction == "INGRESS" {
				f.SourceRanges = ranges
			} else {
				f.DestinationRanges = ranges
			}
			out = append(out, f)
		}
		all := []*compute.FirewallAllowed{{IPProtocol: "all"}}
		for _, fam := range []struct {
			v      string
			ranges []string
			any    string
		}{{"4", v4, "0.0.0.0/0"}, {"6", v6, "::/0"}} {
			if len(fam.ranges) > 0 {
				rule("allow-in"+fam.v, "INGRESS", allowPriority, fam.ranges, all, nil)
				rule("allow-out"+fam.v, "EGRESS", allowPriority, fam.ranges, all, nil)
			}
		}
		dns := []*compute.FirewallAllowed{{IPProtocol: "udp", Ports: []string{"53"}}, {IPProtocol: "tcp", Ports: []string{"53"}}}
		rule("dns4", "EGRESS", allowPriority, []string{"0.0.0.0/0"}, dns, nil)
		rule("dns6", "EGRESS", allowPriority, []string{"::/0"}, dns, nil)
		deny := []*compute.FirewallDenied{{IPProtocol: "all"}}
		rule("deny-in4", "INGRESS", denyPriority, []string{"0.0.0.0/0"}, nil, deny)
		rule("deny-in6", "INGRESS", denyPriority, []string{"::/0"}, nil, deny)
		rule("deny-out4", "EGRESS", denyPriority, []string{"0.0.0.0/0"}, nil, deny)
		rule("deny-out6", "EGRESS", denyPriority, []string{"::/0"}, nil, deny)
	}
	return out
}

// splitFamilies returns the valid prefixes of allow as sorted, distinct CIDR
// strings, IPv4 (4-in-6 ones unmapped) and IPv6 apart.
func splitFamilies(allow []netip.Prefix) (v4, v6 []string) {
	var p4, p6 []netip.Prefix
	for _, p := range allow {
		if !p.IsValid() {
			continue
		}
		if a := p.Addr(); a.Is4In6() {
			p = netip.PrefixFrom(a.Unmap(), max(p.Bits()-96, 0))
		}
		p = p.Masked()
		if p.Addr().Is4() {
			p4 = append(p4, p)
		} else {
			p6 = append(p6, p)
		}
	}
	return prefixStrings(p4), prefixStrings(p6)
}

func prefixStrings(ps []netip.Prefix) []string {
	slices.SortFunc(ps, netip.Prefix.Compare)
	ps = slices.Compact(ps)
	if len(ps) == 0 {
		return nil
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// sameRule reports whether the existing rule have already does what want asks,
// so that a second Apply leaves it alone. The API may spell networks and
// ranges differently from what was sent, so both are compared parsed.
func sameRule(have, want *compute.Firewall) bool {
	return have.Direction == want.Direction && have.Priority == want.Priority && !have.Disabled &&
		resourcePath(have.Network) == resourcePath(want.Network) &&
		slices.Equal(have.TargetTags, want.TargetTags) &&
		sameRanges(have.SourceRanges, want.SourceRanges) &&
		sameRanges(have.DestinationRanges, want.DestinationRanges) &&
		slices.EqualFunc(have.Allowed, want.Allowed, func(a, b *compute.FirewallAllowed) bool {
			return strings.EqualFold(a.IPProtocol, b.IPProtocol) && slices.Equal(a.Ports, b.Ports)
		}) &&
		slices.EqualFunc(have.Denied, want.Denied, func(a, b *compute.FirewallDenied) bool {
			return strings.EqualFold(a.IPProtocol, b.IPProtocol) && slices.Equal(a.Ports, b.Ports)
		}) &&
		len(have.SourceTags) == 0 && len(have.SourceServiceAccounts) == 0 && len(have.TargetServiceAccounts) == 0
}

func sameRanges(a, b []string) bool {
	pa, okA := parseRanges(a)
	pb, okB := parseRanges(b)
	return okA && okB && slices.Equal(pa, pb)
}

// parseRanges reads CIDRs (or bare addresses, as /32 or /128) into a sorted,
// distinct list; ok is false if one is unreadable, so the rule is rewritten.
func parseRanges(rs []string) (_ []netip.Prefix, ok bool) {
	out := make([]netip.Prefix, 0, len(rs))
	for _, r := range rs {
		p, err := netip.ParsePrefix(r)
		if err != nil {
			a, err := netip.ParseAddr(r)
			if err != nil {
				return nil, false
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	slices.SortFunc(out, netip.Prefix.Compare)
	return slices.Compact(out), true
}

// resourcePath is a resource URL from "projects/" on, which is how full
// (https://www.googleapis.com/compute/v1/projects/...) and partial URLs of the
// same resource compare equal.
func resourcePath(u string) string {
	if i := strings.Index(u, "projects/"); i >= 0 {
		return u[i:]
	}
	return u
}

// projectOf is the project of a resource URL ("projects/P/..."), or "".
func projectOf(u string) string {
	rest, ok := strings.CutPrefix(resourcePath(u), "projects/")
	if !ok {
		return ""
	}
	p, _, _ := strings.Cut(rest, "/")
	return p
}

// lastSegment is the name at the end of a resource URL (a zone's, an instance's).
func lastSegment(u string) string {
	return u[strings.LastIndexByte(u, '/')+1:]
}
