package aws

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// rule is one security group rule over one CIDR: the only kind the isolation
// group holds. Security groups are allow lists: what no rule allows is
// denied, and an allowed connection's answers pass (they are stateful).
type rule struct {
	Egress   bool
	Protocol string // "-1" (all), "tcp" or "udp"
	From, To int32  // the port range; -1 for all protocols
	CIDR     netip.Prefix
}

var (
	anyIPv4 = netip.MustParsePrefix("0.0.0.0/0")
	anyIPv6 = netip.MustParsePrefix("::/0")
)

// desiredRules are the isolation group's rules: every protocol from and to
// each allowed network, and DNS (UDP and TCP 53) out to anywhere. There is no
// allow-all egress: a new group's default one is revoked.
func desiredRules(allow []netip.Prefix) []rule {
	var rs []rule
	for _, p := range allow {
		p = normalize(p)
		rs = append(rs, rule{Egress: false, Protocol: "-1", From: -1, To: -1, CIDR: p},
			rule{Egress: true, Protocol: "-1", From: -1, To: -1, CIDR: p})
	}
	for _, proto := range []string{"udp", "tcp"} {
		for _, p := range []netip.Prefix{anyIPv4, anyIPv6} {
			rs = append(rs, rule{Egress: true, Protocol: proto, From: 53, To: 53, CIDR: p})
		}
	}
	slices.SortFunc(rs, compareRules)
	return slices.Compact(rs)
}

// normalize makes p canonical: masked, and IPv4-mapped IPv6 as IPv4.
func normalize(p netip.Prefix) netip.Prefix {
	if a := p.Addr(); a.Is4In6() {
		p = netip.PrefixFrom(a.Unmap(), max(p.Bits()-96, 0))
	}
	return p.Masked()
}

func compareRules(a, b rule) int {
	if a.Egress != b.Egress {
		if a.Egress {
			return 1
		}
		return -1
	}
	return cmp.Or(strings.Compare(a.Protocol, b.Protocol), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To),
		a.CIDR.Addr().Compare(b.CIDR.Addr()), cmp.Compare(a.CIDR.Bits(), b.CIDR.Bits()))
}

// ruleOf reads an existing rule; ok is false for a rule of a kind weir never
// writes (to a prefix list or another group), which is therefore unwanted.
func ruleOf(r types.SecurityGroupRule) (rule, bool) {
	if r.PrefixListId != nil || r.ReferencedGroupInfo != nil {
		return rule{}, false
	}
	cidr := aws.ToString(r.CidrIpv4)
	if cidr == "" {
		cidr = aws.ToString(r.CidrIpv6)
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return rule{}, false
	}
	out := rule{Egress: aws.ToBool(r.IsEgress), Protocol: strings.ToLower(aws.ToString(r.IpProtocol)),
		From: aws.ToInt32(r.FromPort), To: aws.ToInt32(r.ToPort), CIDR: normalize(p)}
	switch out.Protocol {
	case "-1", "all":
		out.Protocol, out.From, out.To = "-1", -1, -1
	case "6":
		out.Protocol = "tcp"
	case "17":
		out.Protocol = "udp"
	}
	return out, true
}

// ruleDiff is what turns a group's rules into the desired ones.
type ruleDiff struct {
	RevokeIngress, RevokeEgress []string // rule ids
	Authorize                   []rule
}

func diffRules(have []types.SecurityGroupRule, want []rule) ruleDiff {
	var d ruleDiff
	kept := map[rule]bool{}
	for _, r := range have {
		if got, ok := ruleOf(r); ok && slices.Contains(want, got) && !kept[got] {
			kept[got] = true
			continue
		}
		if aws.ToBool(r.IsEgress) {
			d.RevokeEgress = append(d.RevokeEgress, aws.ToString(r.SecurityGroupRuleId))
		} else {
			d.RevokeIngress = append(d.RevokeIngress, aws.ToString(r.SecurityGroupRuleId))
		}
	}
	for _, r := range want {
		if !kept[r] {
			d.Authorize = append(d.Authorize, r)
		}
	}
	return d
}

// permissions groups rules of one direction by protocol and ports, the shape
// the Authorize calls take; each range's description says why it is there.
func permissions(rs []rule, quarantineID string) []types.IpPermission {
	var out []types.IpPermission
	for _, r := range rs {
		i := slices.IndexFunc(out, func(p types.IpPermission) bool {
			return aws.ToString(p.IpProtocol) == r.Protocol && aws.ToInt32(p.FromPort) == r.From &&
				aws.ToInt32(p.ToPort) == r.To
		})
		if i < 0 {
			out = append(out, types.IpPermission{IpProtocol: aws.String(r.Protocol), FromPort: aws.Int32(r.From),
				ToPort: aws.Int32(r.To)})
			i = len(out) - 1
		}
		why := "weir quarantine " + quarantineID + ": allow list"
		if r.Protocol != "-1" {
			why = "weir quarantine " + quarantineID + ": DNS"
		}
		if r.CIDR.Addr().Is4() {
			out[i].IpRanges = append(out[i].IpRanges, types.IpRange{CidrIp: aws.String(r.CIDR.String()),
				Description: aws.String(why)})
		} else {
			out[i].Ipv6Ranges = append(out[i].Ipv6Ranges, types.Ipv6Range{CidrIpv6: aws.String(r.CIDR.String()),
				Description: aws.String(why)})
		}
	}
	return out
}
