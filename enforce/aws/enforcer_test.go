package aws

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/google/go-cmp/cmp"
	"github.com/weirhq/weir/quarantine"
)

const (
	webInstance = "i-0123456789abcdef0"
	qid         = "q-1a2b"
	isoName     = "weir-quarantine-" + qid
)

// estate is one VPC with a two-interface web instance and a database.
func estate(t *testing.T) *fakeEC2 {
	f := newFakeEC2(t)
	for _, g := range []string{"web", "ssh", "db"} {
		f.addGroup(fakeGroup{ID: "sg-" + g, Name: g, VPC: "vpc-1", Description: g})
	}
	f.addENI(fakeENI{ID: "eni-web0", VPC: "vpc-1", Instance: webInstance, IPv4: []string{"10.0.1.10"},
		Groups: []string{"sg-web", "sg-ssh"}, Tags: map[string]string{"Name": "web-1 primary"}})
	f.addENI(fakeENI{ID: "eni-web1", VPC: "vpc-1", Instance: webInstance, IPv4: []string{"10.0.3.10"},
		IPv6: []string{"2001:db8:1::10"}, Groups: []string{"sg-web"}})
	f.addENI(fakeENI{ID: "eni-db", VPC: "vpc-1", Instance: "i-0fedcba9876543210", IPv4: []string{"10.0.2.20"},
		Groups: []string{"sg-db"}})
	return f
}

func newTestEnforcer(t *testing.T, f *fakeEC2) *Enforcer {
	t.Helper()
	// Hermetic: no AWS files, profile, region or endpoint from the machine,
	// and no instance metadata lookups.
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	e, err := New(Configuration{Region: "eu-west-1", Endpoint: f.srv.URL}, func(o *ec2.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIDTEST", "not-a-secret", "")
		o.RetryMaxAttempts = 1 // the Manager retries; tests see each answer once
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func target(instances []string, ips ...string) quarantine.Target {
	w := quarantine.Workload{Name: "web-1", Cloud: "aws", Region: "eu-west-1", Instances: instances}
	for _, s := range ips {
		w.IPs = append(w.IPs, netip.MustParseAddr(s))
	}
	return quarantine.Target{Quarantine: quarantine.Quarantine{ID: qid, Workload: "web-1"}, Workload: w,
		Allow: []netip.Prefix{netip.MustParsePrefix("10.199.2.0/24"), netip.MustParsePrefix("2001:db8:7::/48"),
			netip.MustParsePrefix("198.51.100.7/32")}}
}

// snapshot renders every interface and group, to compare states.
func (f *fakeEC2) snapshot() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	for _, n := range f.enis {
		fmt.Fprintf(&b, "%s groups=%s tags=%s\n", n.ID, strings.Join(n.Groups, ","), tagString(n.Tags))
	}
	for _, g := range f.groups {
		fmt.Fprintf(&b, "%s %s %s tags=%s rules=%s\n", g.ID, g.Name, g.VPC, tagString(g.Tags), strings.Join(rulesOf(g), "; "))
	}
	return b.String()
}

func rulesOf(g *fakeGroup) []string {
	var out []string
	for _, r := range g.Rules {
		dir := "in"
		if r.Egress {
			dir = "out"
		}
		out = append(out, fmt.Sprintf("%s %s %d-%d %s", dir, r.Protocol, r.From, r.To, r.CIDR))
	}
	slices.Sort(out)
	return out
}

func checkCalls(t *testing.T, f *fakeEC2, step string, want []string) {
	t.Helper()
	if diff := cmp.Diff(f.takeCalls(), want); diff != "" {
		t.Errorf("%s: EC2 calls (-got, +want):\n%s", step, diff)
	}
}

// isolatedRules are the isolation group's rules for target's allow list.
var isolatedRules = []string{
	"in -1 -1--1 10.199.2.0/24",
	"in -1 -1--1 198.51.100.7/32",
	"in -1 -1--1 2001:db8:7::/48",
	"out -1 -1--1 10.199.2.0/24",
	"out -1 -1--1 198.51.100.7/32",
	"out -1 -1--1 2001:db8:7::/48",
	"out tcp 53-53 0.0.0.0/0",
	"out tcp 53-53 ::/0",
	"out udp 53-53 0.0.0.0/0",
	"out udp 53-53 ::/0",
}

func TestApplyAndRelease(t *testing.T) {
	f := estate(t)
	e := newTestEnforcer(t, f)
	ctx := context.Background()
	tg := target([]string{"web-1", webInstance}, "10.0.1.10")
	before := f.snapshot()

	if err := e.Apply(ctx, tg); err != nil {
		t.Fatalf("first Apply: %v", err)
	}
	checkCalls(t, f, "first Apply", []string{
		"DescribeNetworkInterfaces attachment.instance-id=" + webInstance,
		"DescribeSecurityGroups group-name=" + isoName + " vpc-id=vpc-1",
		"CreateSecurityGroup vpc-1 " + isoName + " tags=Name=" + isoName + ",weir:quarantine=" + qid + ",weir:workload=web-1",
		"DescribeSecurityGroupRules group-id=sg-new1",
		"RevokeSecurityGroupEgress sg-new1 sgr-2", // the new group's allow-all egress
		"AuthorizeSecurityGroupIngress sg-new1 -1/-1/-1 10.199.2.0/24 198.51.100.7/32 2001:db8:7::/48",
		"AuthorizeSecurityGroupEgress sg-new1 -1/-1/-1 10.199.2.0/24 198.51.100.7/32 2001:db8:7::/48; " +
			"tcp/53/53 0.0.0.0/0 ::/0; udp/53/53 0.0.0.0/0 ::/0",
		"CreateTags eni-web0 weir:quarantine=" + qid + " weir:previous-groups=sg-web,sg-ssh",
		"ModifyNetworkInterfaceAttribute eni-web0 sg-new1",
		"CreateTags eni-web1 weir:quarantine=" + qid + " weir:previous-groups=sg-web",
		"ModifyNetworkInterfaceAttribute eni-web1 sg-new1",
	})
	if diff := cmp.Diff(rulesOf(f.groupNamed(isoName)), isolatedRules); diff != "" {
		t.Errorf("isolation group rules (-got, +want):\n%s", diff)
	}
	for _, id := range []string{"eni-web0", "eni-web1"} {
		if n := f.eni(id); !slices.Equal(n.Groups, []string{"sg-new1"}) {
			t.Errorf("%s groups = %v, want only the isolation group", id, n.Groups)
		}
	}
	if n := f.eni("eni-db"); !slices.Equal(n.Groups, []string{"sg-db"}) {
		t.Errorf("eni-db (another instance) groups = %v, want untouched", n.Groups)
	}
	applied := f.snapshot()

	if err := e.Apply(ctx, tg); err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	checkCalls(t, f, "second Apply", []string{
		"DescribeNetworkInterfaces attachment.instance-id=" + webInstance,
		"DescribeSecurityGroups group-name=" + isoName + " vpc-id=vpc-1",
		"DescribeSecurityGroupRules group-id=sg-new1",
	})
	if diff := cmp.Diff(f.snapshot(), applied); diff != "" {
		t.Errorf("second Apply changed the state (-got, +want):\n%s", diff)
	}

	if err := e.Release(ctx, tg); err != nil {
		t.Fatalf("Release: %v", err)
	}
	checkCalls(t, f, "Release", []string{
		"DescribeNetworkInterfaces tag:weir:quarantine=" + qid,
		"ModifyNetworkInterfaceAttribute eni-web0 sg-web,sg-ssh",
		"DeleteTags eni-web0 weir:previous-groups weir:quarantine",
		"ModifyNetworkInterfaceAttribute eni-web1 sg-web",
		"DeleteTags eni-web1 weir:previous-groups weir:quarantine",
		"DescribeSecurityGroups group-name=" + isoName + " tag:weir:quarantine=" + qid,
		"DeleteSecurityGroup sg-new1",
	})
	if diff := cmp.Diff(f.snapshot(), before); diff != "" {
		t.Errorf("Release did not restore the state before Apply (-got, +want):\n%s", diff)
	}

	if err := e.Release(ctx, tg); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	checkCalls(t, f, "second Release", []string{
		"DescribeNetworkInterfaces tag:weir:quarantine=" + qid,
		"DescribeSecurityGroups group-name=" + isoName + " tag:weir:quarantine=" + qid,
	})
	if diff := cmp.Diff(f.snapshot(), before); diff != "" {
		t.Errorf("second Release changed the state (-got, +want):\n%s", diff)
	}
}

func TestReleaseNeverApplied(t *testing.T) {
	f := estate(t)
	e := newTestEnforcer(t, f)
	before := f.snapshot()
	if err := e.Release(context.Background(), target([]string{webInstance})); err != nil {
		t.Fatalf("Release: %v", err)
	}
	checkCalls(t, f, "Release", []string{
		"DescribeNetworkInterfaces tag:weir:quarantine=" + qid,
		"DescribeSecurityGroups group-name=" + isoName + " tag:weir:quarantine=" + qid,
	})
	if diff := cmp.Diff(f.snapshot(), before); diff != "" {
		t.Errorf("Release changed the state (-got, +want):\n%s", diff)
	}
}

func TestApplyByAddress(t *testing.T) {
	f := estate(t)
	e := newTestEnforcer(t, f)
	// No instance id of AWS's shape: the interfaces are found by address.
	tg := target([]string{"web-1"}, "10.0.3.10", "2001:db8:1::10")
	if err := e.Apply(context.Background(), tg); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	calls := f.takeCalls()
	want := []string{
		"DescribeNetworkInterfaces addresses.private-ip-address=10.0.3.10",
		"DescribeNetworkInterfaces ipv6-addresses.ipv6-address=2001:db8:1::10",
		"DescribeSecurityGroups group-name=" + isoName + " vpc-id=vpc-1",
	}
	if diff := cmp.Diff(calls[:3], want); diff != "" {
		t.Errorf("lookup calls (-got, +want):\n%s", diff)
	}
	if got := f.eni("eni-web1").Groups; !slices.Equal(got, []string{"sg-new1"}) {
		t.Errorf("eni-web1 groups = %v, want the isolation group", got)
	}
	if got := f.eni("eni-web0").Groups; !slices.Equal(got, []string{"sg-web", "sg-ssh"}) {
		t.Errorf("eni-web0 (holds none of the addresses) groups = %v, want untouched", got)
	}
}

func TestApplyAddressInTwoVPCs(t *testing.T) {
	f := estate(t)
	f.addENI(fakeENI{ID: "eni-other", VPC: "vpc-2", Owner: "999988887777", IPv4: []string{"10.0.1.10"},
		Groups: []string{"sg-other"}})
	e := newTestEnforcer(t, f)

	tg := target(nil, "10.0.1.10")
	err := e.Apply(context.Background(), tg)
	if !errors.Is(err, quarantine.ErrPermanent) || !strings.Contains(err.Error(), "eni-web0 (vpc-1) and eni-other (vpc-2)") {
		t.Fatalf("Apply of an address in two VPCs = %v, want a permanent error naming both", err)
	}
	checkCalls(t, f, "ambiguous Apply", []string{"DescribeNetworkInterfaces addresses.private-ip-address=10.0.1.10"})

	// The workload's account settles it.
	tg.Workload.Account = "999988887777"
	f.addGroup(fakeGroup{ID: "sg-other", Name: "other", VPC: "vpc-2"})
	if err := e.Apply(context.Background(), tg); err != nil {
		t.Fatalf("Apply with the account: %v", err)
	}
	if got := f.eni("eni-other").Groups; len(got) != 1 || !strings.HasPrefix(got[0], "sg-new") {
		t.Errorf("eni-other groups = %v, want the isolation group", got)
	}
	if got := f.eni("eni-web0").Groups; !slices.Equal(got, []string{"sg-web", "sg-ssh"}) {
		t.Errorf("eni-web0 (another account's) groups = %v, want untouched", got)
	}
}

func TestApplyChangedAllowList(t *testing.T) {
	f := estate(t)
	e := newTestEnforcer(t, f)
	ctx := context.Background()
	tg := target([]string{webInstance})
	if err := e.Apply(ctx, tg); err != nil {
		t.Fatal(err)
	}
	f.takeCalls()
	// Someone opens SSH by hand, and the allow list shrinks (a peer workload
	// left the inventory): the group is put back to exactly the allow list.
	g := f.groupNamed(isoName)
	f.mu.Lock()
	g.Rules = append(g.Rules, fakeRule{ID: "sgr-hand", Protocol: "tcp", From: 22, To: 22, CIDR: "0.0.0.0/0"})
	ids := map[string]string{}
	for _, r := range g.Rules {
		ids[fmt.Sprintf("%v %s", r.Egress, r.CIDR)+"/"+r.Protocol] = r.ID
	}
	f.mu.Unlock()
	tg.Allow = tg.Allow[:1]
	if err := e.Apply(ctx, tg); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, f, "Apply with a smaller allow list", []string{
		"DescribeNetworkInterfaces attachment.instance-id=" + webInstance,
		"DescribeSecurityGroups group-name=" + isoName + " vpc-id=vpc-1",
		"DescribeSecurityGroupRules group-id=sg-new1",
		"RevokeSecurityGroupIngress sg-new1 " + ids["false 198.51.100.7/32/-1"] + "," + ids["false 2001:db8:7::/48/-1"] + ",sgr-hand",
		"RevokeSecurityGroupEgress sg-new1 " + ids["true 198.51.100.7/32/-1"] + "," + ids["true 2001:db8:7::/48/-1"],
	})
	want := []string{"in -1 -1--1 10.199.2.0/24", "out -1 -1--1 10.199.2.0/24", "out tcp 53-53 0.0.0.0/0",
		"out tcp 53-53 ::/0", "out udp 53-53 0.0.0.0/0", "out udp 53-53 ::/0"}
	if diff := cmp.Diff(rulesOf(g), want); diff != "" {
		t.Errorf("rules (-got, +want):\n%s", diff)
	}
	if got := f.eni("eni-web0").Tags[tagPrevious]; got != "sg-web,sg-ssh" {
		t.Errorf("previous groups = %q after the second Apply, want the ones recorded first", got)
	}
}

func TestApplyIPv6VPC(t *testing.T) {
	f := estate(t)
	f.ipv6VPCs["vpc-1"] = true
	e := newTestEnforcer(t, f)
	if err := e.Apply(context.Background(), target([]string{webInstance})); err != nil {
		t.Fatal(err)
	}
	calls := f.takeCalls()
	if !slices.Contains(calls, "RevokeSecurityGroupEgress sg-new1 sgr-2,sgr-3") {
		t.Errorf("both default egress rules (IPv4 and IPv6) not revoked; calls:\n%s", strings.Join(calls, "\n"))
	}
	if diff := cmp.Diff(rulesOf(f.groupNamed(isoName)), isolatedRules); diff != "" {
		t.Errorf("rules (-got, +want):\n%s", diff)
	}
}

// EC2 may not show a group just created: Apply must not go on as if it had
// no rules, or the default allow-all egress would stay.
func TestApplyNewGroupNotVisible(t *testing.T) {
	f := estate(t)
	e := newTestEnforcer(t, f)
	f.staleRuleReads = 1
	err := e.Apply(context.Background(), target([]string{webInstance}))
	if err == nil || errors.Is(err, quarantine.ErrPermanent) {
		t.Fatalf("Apply = %v, want a transient error", err)
	}
	calls := f.takeCalls()
	if last := calls[len(calls)-1]; last != "DescribeSecurityGroupRules group-id=sg-new1" {
		t.Errorf("last call %q, want it to stop after the empty rule list", last)
	}
	if err := e.Apply(context.Background(), target([]string{webInstance})); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rulesOf(f.groupNamed(isoName)), isolatedRules); diff != "" {
		t.Errorf("rules (-got, +want):\n%s", diff)
	}
}

func TestRegion(t *testing.T) {
	f := estate(t)
	e := newTestEnforcer(t, f)
	tg := target([]string{webInstance})
	tg.Workload.Region = "eu-central-1"
	_ = e.Apply(context.Background(), tg)
	// A released workload that left the inventory has only a name.
	_ = e.Release(context.Background(), quarantine.Target{Quarantine: tg.Quarantine, Workload: quarantine.Workload{Name: "web-1"}})
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := f.regions; len(got) < 3 || got[0] != "eu-central-1" || got[len(got)-1] != "eu-west-1" {
		t.Errorf("signed regions %v, want the workload's (eu-central-1) first and the default (eu-west-1) on release", got)
	}
}

func TestReaches(t *testing.T) {
	f := newFakeEC2(t)
	e := newTestEnforcer(t, f)
	if e.Name() != "aws" {
		t.Errorf("Name() = %q", e.Name())
	}
	for cloud, want := range map[string]bool{"aws": true, "azure": false, "gcp": false, "": false} {
		if got := e.Reaches(quarantine.Workload{Cloud: cloud}); got != want {
			t.Errorf("Reaches(cloud %q) = %v, want %v", cloud, got, want)
		}
	}
}
