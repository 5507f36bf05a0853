package aws

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/weirhq/weir/quarantine"
)

var (
	instanceRE = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)
	accountRE  = regexp.MustCompile(`^[0-9]{12}$`)
)

// findInterfaces finds the network interfaces to isolate. When the workload
// lists AWS instance ids (i-…), they are every interface attached to those
// instances, and each instance must have one. Otherwise they are the
// interfaces holding one of the workload's private IPv4 or IPv6 addresses
// (public addresses are not looked up); when the workload names a 12-digit
// account, only that account's interfaces count, and an address found on
// interfaces in two VPCs is refused as ambiguous rather than isolating both.
func (j job) findInterfaces(ctx context.Context, w quarantine.Workload) ([]types.NetworkInterface, error) {
	var ids []string
	for _, s := range w.Instances {
		if instanceRE.MatchString(s) {
			ids = append(ids, s)
		}
	}
	if len(ids) > 0 {
		enis, err := j.describeInterfaces(ctx, "attachment.instance-id", ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !slices.ContainsFunc(enis, func(n types.NetworkInterface) bool {
				return n.Attachment != nil && aws.ToString(n.Attachment.InstanceId) == id
			}) {
				return nil, j.refuse("instance %s: no network interface is attached (no such instance here, or it is terminated)", id)
			}
		}
		return enis, nil
	}

	var v4, v6 []string
	for _, a := range w.IPs {
		if a = a.Unmap(); a.Is4() {
			v4 = append(v4, a.String())
		} else if a.Is6() {
			v6 = append(v6, a.String())
		}
	}
	if len(v4)+len(v6) == 0 {
		return nil, j.refuse("no AWS instance id (i-…) and no IP address to find its network interfaces by")
	}
	var enis []types.NetworkInterface
	for _, q := range []struct {
		filter string
		values []string
	}{{"addresses.private-ip-address", v4}, {"ipv6-addresses.ipv6-address", v6}} {
		if len(q.values) == 0 {
			continue
		}
		found, err := j.describeInterfaces(ctx, q.filter, q.values)
		if err != nil {
			return nil, err
		}
		for _, n := range found {
			if !slices.ContainsFunc(enis, sameInterface(n)) {
				enis = append(enis, n)
			}
		}
	}
	if accountRE.MatchString(w.Account) {
		enis = slices.DeleteFunc(enis, func(n types.NetworkInterface) bool { return aws.ToString(n.OwnerId) != w.Account })
	}
	if len(enis) == 0 {
		return nil, j.refuse("no network interface has the private address %s%s", strings.Join(slices.Concat(v4, v6), ", "),
			accountNote(w.Account))
	}
	for _, a := range w.IPs {
		var on []string
		for _, n := range enis {
			if slices.Contains(addressesOf(n), a.Unmap()) {
				on = append(on, fmt.Sprintf("%s (%s)", aws.ToString(n.NetworkInterfaceId), aws.ToString(n.VpcId)))
			}
		}
		if len(on) > 1 {
			return nil, j.refuse("address %s is on %s: name the instance id in the inventory", a, strings.Join(on, " and "))
		}
	}
	return enis, nil
}

func accountNote(account string) string {
	if accountRE.MatchString(account) {
		return " in account " + account
	}
	return ""
}

// taggedInterfaces are the interfaces this quarantine isolated.
func (j job) taggedInterfaces(ctx context.Context) ([]types.NetworkInterface, error) {
	return j.describeInterfaces(ctx, "tag:"+tagQuarantine, []string{j.id})
}

func (j job) describeInterfaces(ctx context.Context, filter string, values []string) ([]types.NetworkInterface, error) {
	in := &ec2.DescribeNetworkInterfacesInput{
		Filters:    []types.Filter{{Name: aws.String(filter), Values: values}},
		MaxResults: aws.Int32(1000), // paginated: unpaginated calls time out in large accounts
	}
	var out []types.NetworkInterface
	for p := ec2.NewDescribeNetworkInterfacesPaginator(j.client, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx, j.in)
		if err != nil {
			return nil, j.fail(err, "describe network interfaces by %s %s", filter, strings.Join(values, ","))
		}
		out = append(out, page.NetworkInterfaces...)
	}
	return out, nil
}

// checkIsolable refuses interfaces weir must not or cannot take over.
func (j job) checkIsolable(n types.NetworkInterface) error {
	id := aws.ToString(n.NetworkInterfaceId)
	if aws.ToBool(n.RequesterManaged) {
		return j.refuse("%s is managed by %s (%s): its security groups cannot be changed", id,
			aws.ToString(n.RequesterId), n.InterfaceType)
	}
	if owner, ok := tagValue(n.TagSet, tagQuarantine); ok && owner != j.id {
		return j.refuse("%s is already isolated by quarantine %s: release that one first", id, owner)
	}
	if aws.ToString(n.VpcId) == "" {
		return j.refuse("%s is in no VPC", id)
	}
	return nil
}

// isolate gives n the isolation group sg alone, after recording its groups in
// its tags. An interface already tagged for this quarantine keeps the groups
// recorded the first time: by now it may hold sg only.
func (j job) isolate(ctx context.Context, n types.NetworkInterface, sg string) error {
	id := aws.ToString(n.NetworkInterfaceId)
	current := groupIDs(n.Groups)
	if owner, _ := tagValue(n.TagSet, tagQuarantine); owner != j.id {
		prev := slices.DeleteFunc(slices.Clone(current), func(g string) bool { return g == sg })
		if len(prev) == 0 {
			// Only a hand-removed tag leads here: there is nothing to restore.
			return j.refuse("%s already holds only the isolation group %s but no %s tag: its previous groups are unknown",
				id, sg, tagPrevious)
		}
		tags := append([]types.Tag{tag(tagQuarantine, j.id)}, previousTags(prev)...)
		if _, err := j.client.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: tags}, j.in); err != nil {
			return j.fail(err, "record the groups of %s (%s) in its tags", id, strings.Join(prev, ","))
		}
	}
	if slices.Equal(current, []string{sg}) {
		return nil
	}
	if _, err := j.client.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{
		NetworkInterfaceId: aws.String(id), Groups: []string{sg}}, j.in); err != nil {
		return j.fail(err, "set the groups of %s to %s", id, sg)
	}
	return nil
}

// restore gives n back the groups recorded in its tags, then removes the tags.
func (j job) restore(ctx context.Context, n types.NetworkInterface) error {
	id := aws.ToString(n.NetworkInterfaceId)
	prev, ok := previousGroups(n.TagSet)
	if !ok {
		return j.refuse("%s is tagged for this quarantine but its %s tag is missing: set its groups by hand, "+
			"then delete its weir: tags", id, tagPrevious)
	}
	if !sameSet(groupIDs(n.Groups), prev) {
		if _, err := j.client.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{
			NetworkInterfaceId: aws.String(id), Groups: prev}, j.in); err != nil {
			return j.fail(err, "restore the groups of %s to %s", id, strings.Join(prev, ","))
		}
	}
	var tags []types.Tag
	for _, k := range weirKeys(n.TagSet) {
		tags = append(tags, types.Tag{Key: aws.String(k)}) // no value: delete whatever it holds
	}
	if _, err := j.client.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: tags}, j.in); err != nil {
		return j.fail(err, "delete the weir tags of %s", id)
	}
	return nil
}

// vpcsOf lists the VPCs of enis in the order first seen.
func vpcsOf(enis []types.NetworkInterface) []string {
	var vpcs []string
	for _, n := range enis {
		if v := aws.ToString(n.VpcId); !slices.Contains(vpcs, v) {
			vpcs = append(vpcs, v)
		}
	}
	return vpcs
}

func groupIDs(gs []types.GroupIdentifier) []string {
	ids := make([]string, 0, len(gs))
	for _, g := range gs {
		ids = append(ids, aws.ToString(g.GroupId))
	}
	return ids
}

func addressesOf(n types.NetworkInterface) []netip.Addr {
	var out []netip.Addr
	add := func(s *string) {
		if a, err := netip.ParseAddr(aws.ToString(s)); err == nil {
			out = append(out, a.Unmap())
		}
	}
	add(n.PrivateIpAddress)
	for _, p := range n.PrivateIpAddresses {
		add(p.PrivateIpAddress)
	}
	for _, p := range n.Ipv6Addresses {
		add(p.Ipv6Address)
	}
	return out
}

func sameInterface(a types.NetworkInterface) func(types.NetworkInterface) bool {
	return func(b types.NetworkInterface) bool {
		return aws.ToString(a.NetworkInterfaceId) == aws.ToString(b.NetworkInterfaceId)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
