package aws

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"
)

func (r rule) String() string {
	dir := "in"
	if r.Egress {
		dir = "out"
	}
	return fmt.Sprintf("%s %s %d-%d %s", dir, r.Protocol, r.From, r.To, r.CIDR)
}

func ruleStrings(rs []rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

func TestDesiredRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		allow []string
		want  []string
	}{
		{"DNS only", nil, []string{"out tcp 53-53 0.0.0.0/0", "out tcp 53-53 ::/0", "out udp 53-53 0.0.0.0/0",
			"out udp 53-53 ::/0"}},
		// Unmasked, IPv4-mapped and repeated networks collapse to one rule each.
		{"normalized", []string{"10.1.2.3/16", "::ffff:192.0.2.0/120", "10.1.0.0/16"}, []string{
			"in -1 -1--1 10.1.0.0/16", "in -1 -1--1 192.0.2.0/24",
			"out -1 -1--1 10.1.0.0/16", "out -1 -1--1 192.0.2.0/24",
			"out tcp 53-53 0.0.0.0/0", "out tcp 53-53 ::/0", "out udp 53-53 0.0.0.0/0", "out udp 53-53 ::/0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var allow []netip.Prefix
			for _, s := range tc.allow {
				allow = append(allow, netip.MustParsePrefix(s))
			}
			if diff := cmp.Diff(ruleStrings(desiredRules(allow)), tc.want); diff != "" {
				t.Errorf("desiredRules (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestDiffRules(t *testing.T) {
	want := desiredRules([]netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")})
	have := []types.SecurityGroupRule{
		// Kept: what EC2 shows for rules weir wrote, protocol numbers included.
		{SecurityGroupRuleId: aws.String("sgr-a"), IsEgress: aws.Bool(false), IpProtocol: aws.String("-1"),
			FromPort: aws.Int32(-1), ToPort: aws.Int32(-1), CidrIpv4: aws.String("10.1.0.0/16")},
		{SecurityGroupRuleId: aws.String("sgr-b"), IsEgress: aws.Bool(true), IpProtocol: aws.String("17"),
			FromPort: aws.Int32(53), ToPort: aws.Int32(53), CidrIpv4: aws.String("0.0.0.0/0")},
		// Revoked: allow-all egress, a wider port range, a group reference.
		{SecurityGroupRuleId: aws.String("sgr-c"), IsEgress: aws.Bool(true), IpProtocol: aws.String("-1"),
			FromPort: aws.Int32(-1), ToPort: aws.Int32(-1), CidrIpv4: aws.String("0.0.0.0/0")},
		{SecurityGroupRuleId: aws.String("sgr-d"), IsEgress: aws.Bool(true), IpProtocol: aws.String("tcp"),
			FromPort: aws.Int32(0), ToPort: aws.Int32(65535), CidrIpv6: aws.String("::/0")},
		{SecurityGroupRuleId: aws.String("sgr-e"), IsEgress: aws.Bool(false), IpProtocol: aws.String("-1"),
			ReferencedGroupInfo: &types.ReferencedSecurityGroup{GroupId: aws.String("sg-x")}},
	}
	d := diffRules(have, want)
	got := fmt.Sprintf("revoke in %v, revoke out %v, authorize %s", d.RevokeIngress, d.RevokeEgress,
		strings.Join(ruleStrings(d.Authorize), "; "))
	wantS := "revoke in [sgr-e], revoke out [sgr-c sgr-d], authorize out -1 -1--1 10.1.0.0/16; " +
		"out tcp 53-53 0.0.0.0/0; out tcp 53-53 ::/0; out udp 53-53 ::/0"
	if got != wantS {
		t.Errorf("diffRules:\n got %s\nwant %s", got, wantS)
	}
}

func TestPermissions(t *testing.T) {
	var out []rule
	for _, r := range desiredRules([]netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("2001:db8::/32")}) {
		if r.Egress {
			out = append(out, r)
		}
	}
	var got []string
	for _, p := range permissions(out, "q-1") {
		s := fmt.Sprintf("%s %d-%d", aws.ToString(p.IpProtocol), aws.ToInt32(p.FromPort), aws.ToInt32(p.ToPort))
		for _, r := range p.IpRanges {
			s += " " + aws.ToString(r.CidrIp) + " (" + aws.ToString(r.Description) + ")"
		}
		for _, r := range p.Ipv6Ranges {
			s += " " + aws.ToString(r.CidrIpv6) + " (" + aws.ToString(r.Description) + ")"
		}
		got = append(got, s)
	}
	want := []string{
		"-1 -1--1 10.1.0.0/16 (weir quarantine q-1: allow list) 2001:db8::/32 (weir quarantine q-1: allow list)",
		"tcp 53-53 0.0.0.0/0 (weir quarantine q-1: DNS) ::/0 (weir quarantine q-1: DNS)",
		"udp 53-53 0.0.0.0/0 (weir quarantine q-1: DNS) ::/0 (weir quarantine q-1: DNS)",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("permissions (-got, +want):\n%s", diff)
	}
}
