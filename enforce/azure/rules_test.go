package azure

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"
	"github.com/google/go-cmp/cmp"
)

// row is a rule as the test reads it: name, priority, direction, access,
// protocol, source prefixes:ports, destination prefixes:ports.
type row struct {
	Name      string
	Priority  int32
	Direction string
	Access    string
	Protocol  string
	Src, Dst  string
}

func rows(rules []*armnetwork.SecurityRule) []row {
	var out []row
	for _, r := range rules {
		p := r.Properties
		side := func(one *string, many []*string, port *string) string {
			s := deref(one)
			if many != nil {
				var all []string
				for _, m := range many {
					all = append(all, *m)
				}
				s = "[" + strings.Join(all, " ") + "]"
			}
			return s + ":" + deref(port)
		}
		out = append(out, row{deref(r.Name), deref(p.Priority), string(deref(p.Direction)), string(deref(p.Access)),
			string(deref(p.Protocol)),
			side(p.SourceAddressPrefix, p.SourceAddressPrefixes, p.SourcePortRange),
			side(p.DestinationAddressPrefix, p.DestinationAddressPrefixes, p.DestinationPortRange)})
		if p.SourcePortRanges != nil || p.DestinationPortRanges != nil {
			panic("port lists are not expected")
		}
	}
	return out
}

// The rules as the quarantine NSG holds them after Apply, read back from the
// fake cloud: the allow list both ways per family, DNS out, deny the rest.
func TestQuarantineRules(t *testing.T) {
	f := estate(t)
	e := f.enforcer(DefaultConfiguration())
	tgt := target("q-1")
	tgt.Allow = append(tgt.Allow, netip.MustParsePrefix("10.9.0.1/32"), netip.MustParsePrefix("::ffff:10.7.0.0/112"))
	if err := e.Apply(context.Background(), tgt); err != nil {
		t.Fatal(err)
	}
	nsg := f.nsg("weir-quarantine-q-1")
	if nsg == nil {
		t.Fatal("no quarantine NSG")
	}
	want := []row{
		{"weir-allow-in-ipv4", 100, "Inbound", "Allow", "*", "[10.7.0.0/16 10.8.0.0/16 10.9.0.1/32]:*", "*:*"},
		{"weir-allow-out-ipv4", 100, "Outbound", "Allow", "*", "*:*", "[10.7.0.0/16 10.8.0.0/16 10.9.0.1/32]:*"},
		{"weir-allow-in-ipv6", 101, "Inbound", "Allow", "*", "[fd00::/64]:*", "*:*"},
		{"weir-allow-out-ipv6", 101, "Outbound", "Allow", "*", "*:*", "[fd00::/64]:*"},
		{"weir-dns-udp", 110, "Outbound", "Allow", "Udp", "*:*", "*:53"},
		{"weir-dns-tcp", 111, "Outbound", "Allow", "Tcp", "*:*", "*:53"},
		{"weir-deny-inbound", 4096, "Inbound", "Deny", "*", "*:*", "*:*"},
		{"weir-deny-outbound", 4096, "Outbound", "Deny", "*", "*:*", "*:*"},
	}
	if diff := cmp.Diff(rows(nsg.Properties.SecurityRules), want); diff != "" {
		t.Errorf("quarantine rules (-got, +want):\n%s", diff)
	}
}

func TestRulesWithoutAllowList(t *testing.T) {
	want := []row{
		{"weir-dns-udp", 110, "Outbound", "Allow", "Udp", "*:*", "*:53"},
		{"weir-dns-tcp", 111, "Outbound", "Allow", "Tcp", "*:*", "*:53"},
		{"weir-deny-inbound", 4096, "Inbound", "Deny", "*", "*:*", "*:*"},
		{"weir-deny-outbound", 4096, "Outbound", "Deny", "*", "*:*", "*:*"},
	}
	if diff := cmp.Diff(rows(securityRules(nil)), want); diff != "" {
		t.Errorf("rules (-got, +want):\n%s", diff)
	}
}

// ruleKeys decides whether the NSG Azure holds needs rewriting: the same
// rules spelled differently match, a changed rule does not.
func TestRuleKeys(t *testing.T) {
	allow := []netip.Prefix{netip.MustParsePrefix("10.9.0.1/32")}
	base := ruleKeys(securityRules(allow))

	spelled := securityRules(allow)
	in := spelled[0].Properties
	in.SourceAddressPrefixes, in.SourceAddressPrefix = nil, to.Ptr("10.9.0.1") // one prefix, in the single field
	spelled[1].ID, spelled[1].Etag = to.Ptr("/subscriptions/x/rule"), to.Ptr("W/\"2\"")
	slices.Reverse(spelled)
	if got := ruleKeys(spelled); !slices.Equal(got, base) {
		t.Errorf("same rules spelled differently: %v\nwant %v", got, base)
	}

	for name, change := range map[string]func(rs []*armnetwork.SecurityRule) []*armnetwork.SecurityRule{
		"priority": func(rs []*armnetwork.SecurityRule) []*armnetwork.SecurityRule {
			rs[0].Properties.Priority = to.Ptr(int32(99))
			return rs
		},
		"access": func(rs []*armnetwork.SecurityRule) []*armnetwork.SecurityRule {
			rs[4].Properties.Access = to.Ptr(armnetwork.SecurityRuleAccessAllow)
			return rs
		},
		"missing rule": func(rs []*armnetwork.SecurityRule) []*armnetwork.SecurityRule { return rs[1:] },
		"allow list":   func([]*armnetwork.SecurityRule) []*armnetwork.SecurityRule { return securityRules(nil) },
	} {
		if got := ruleKeys(change(securityRules(allow))); slices.Equal(got, base) {
			t.Errorf("%s changed, ruleKeys did not", name)
		}
	}
}
