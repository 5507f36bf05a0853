package azure

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"
)

// Priorities of weir's rules. Lower wins. The denies take the last priority a
// custom rule may have: Azure's default rules (65000 and up) would otherwise
// allow the whole virtual network and the internet out.
const (
	priorityAllow = 100 // IPv4; IPv6 takes the next one
	priorityDNS   = 110 // UDP; TCP takes the next one
	priorityDeny  = 4096
)

// securityRules are the rules of a quarantine NSG: allow the allow list in
// both directions (one rule per direction and address family, as Azure does
// not mix families in a rule), allow DNS out over UDP and TCP, deny the rest.
// NSGs are stateful, so answers to allowed connections pass both ways.
func securityRules(allow []netip.Prefix) []*armnetwork.SecurityRule {
	var v4, v6 []*string
	for _, p := range normalize(allow) {
		if p.Addr().Is4() {
			v4 = append(v4, to.Ptr(p.String()))
		} else {
			v6 = append(v6, to.Ptr(p.String()))
		}
	}
	var rules []*armnetwork.SecurityRule
	for i, fam := range []struct {
		name     string
		prefixes []*string
	}{{"ipv4", v4}, {"ipv6", v6}} {
		if len(fam.prefixes) == 0 {
			continue
		}
		in := rule("weir-allow-in-"+fam.name, priorityAllow+i, armnetwork.SecurityRuleDirectionInbound,
			armnetwork.SecurityRuleAccessAllow, armnetwork.SecurityRuleProtocolAsterisk, "*",
			"weir quarantine: the allow list may reach the workload")
		in.Properties.SourceAddressPrefixes, in.Properties.DestinationAddressPrefix = fam.prefixes, to.Ptr("*")
		out := rule("weir-allow-out-"+fam.name, priorityAllow+i, armnetwork.SecurityRuleDirectionOutbound,
			armnetwork.SecurityRuleAccessAllow, armnetwork.SecurityRuleProtocolAsterisk, "*",
			"weir quarantine: the workload may reach the allow list")
		out.Properties.SourceAddressPrefix, out.Properties.DestinationAddressPrefixes = to.Ptr("*"), fam.prefixes
		rules = append(rules, in, out)
	}
	for i, proto := range []armnetwork.SecurityRuleProtocol{armnetwork.SecurityRuleProtocolUDP, armnetwork.SecurityRuleProtocolTCP} {
		r := rule("weir-dns-"+strings.ToLower(string(proto)), priorityDNS+i, armnetwork.SecurityRuleDirectionOutbound,
			armnetwork.SecurityRuleAccessAllow, proto, "53", "weir quarantine: DNS stays open")
		r.Properties.SourceAddressPrefix, r.Properties.DestinationAddressPrefix = to.Ptr("*"), to.Ptr("*")
		rules = append(rules, r)
	}
	for _, dir := range []armnetwork.SecurityRuleDirection{armnetwork.SecurityRuleDirectionInbound, armnetwork.SecurityRuleDirectionOutbound} {
		r := rule("weir-deny-"+strings.ToLower(string(dir)), priorityDeny, dir, armnetwork.SecurityRuleAccessDeny,
			armnetwork.SecurityRuleProtocolAsterisk, "*", "weir quarantine: everything else is cut")
		r.Properties.SourceAddressPrefix, r.Properties.DestinationAddressPrefix = to.Ptr("*"), to.Ptr("*")
		rules = append(rules, r)
	}
	return rules
}

func rule(name string, priority int, dir armnetwork.SecurityRuleDirection, access armnetwork.SecurityRuleAccess,
	proto armnetwork.SecurityRuleProtocol, dstPorts, description string) *armnetwork.SecurityRule {
	return &armnetwork.SecurityRule{Name: to.Ptr(name), Properties: &armnetwork.SecurityRulePropertiesFormat{
		Priority: to.Ptr(int32(priority)), Direction: to.Ptr(dir), Access: to.Ptr(access), Protocol: to.Ptr(proto),
		SourcePortRange: to.Ptr("*"), DestinationPortRange: to.Ptr(dstPorts), Description: to.Ptr(description),
	}}
}

// normalize masks, unmaps, sorts and deduplicates prefixes, so the same allow
// list always gives the same rules.
func normalize(ps []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(ps))
	for _, p := range ps {
		if !p.IsValid() {
			continue
		}
		a := p.Addr()
		bits := p.Bits()
		if a.Is4In6() {
			a, bits = a.Unmap(), max(bits-96, 0)
		}
		out = append(out, netip.PrefixFrom(a, bits).Masked())
	}
	slices.SortFunc(out, func(a, b netip.Prefix) int {
		return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
	})
	return slices.Compact(out)
}

// ruleKeys describe rules by what decides traffic, one string each, sorted:
// what Azure returns carries ids, etags and states, and may spell a single
// prefix in the list field or the other way round.
func ruleKeys(rules []*armnetwork.SecurityRule) []string {
	keys := make([]string, 0, len(rules))
	for _, r := range rules {
		if r == nil || r.Properties == nil {
			keys = append(keys, "?")
			continue
		}
		p := r.Properties
		keys = append(keys, fmt.Sprintf("%s %d %s %s %s src=%s:%s dst=%s:%s", strings.ToLower(deref(r.Name)),
			deref(p.Priority), deref(p.Direction), deref(p.Access), strings.ToLower(string(deref(p.Protocol))),
			joined(p.SourceAddressPrefix, p.SourceAddressPrefixes), joined(p.SourcePortRange, p.SourcePortRanges),
			joined(p.DestinationAddressPrefix, p.DestinationAddressPrefixes),
			joined(p.DestinationPortRange, p.DestinationPortRanges)))
	}
	slices.Sort(keys)
	return keys
}

func joined(one *string, many []*string) string {
	var all []string
	if one != nil && *one != "" {
		all = append(all, *one)
	}
	for _, s := range many {
		if s != nil {
			all = append(all, *s)
		}
	}
	for i, s := range all {
		all[i] = canonical(s)
	}
	slices.Sort(all)
	return strings.Join(all, ",")
}

// canonical spells an address or prefix one way (a single address without
// its /32 or /128); anything else (ports, "*", service tags) stays as it is.
func canonical(s string) string {
	if p, err := netip.ParsePrefix(s); err == nil {
		if p.IsSingleIP() {
			return p.Addr().String()
		}
		return p.Masked().String()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String()
	}
	return s
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
