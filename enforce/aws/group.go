package aws

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// errNotVisible says a group just created does not show yet; the retry sees it.
var errNotVisible = errors.New("not visible yet, retrying")

// groupName is the isolation group's name for a quarantine: the same in every
// VPC, so that a repeated Apply finds the group it created.
func groupName(quarantineID string) string { return "weir-quarantine-" + quarantineID }

// ensureGroup returns the id of the quarantine's isolation group in vpc,
// created if missing, with exactly the rules want: rules it should not have
// (a new group's allow-all egress, anything added by hand) are revoked first,
// so the group never allows more than want while it changes.
func (j job) ensureGroup(ctx context.Context, vpc string, want []rule) (string, error) {
	name := groupName(j.id)
	found, err := j.findGroups(ctx, "find isolation group "+name+" in "+vpc,
		filter("group-name", name), filter("vpc-id", vpc))
	if err != nil {
		return "", err
	}
	var id string
	created := len(found) == 0
	if !created {
		id = aws.ToString(found[0].GroupId)
	} else {
		out, err := j.client.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName:   aws.String(name),
			Description: aws.String("weir quarantine " + j.id + ": isolation group"),
			VpcId:       aws.String(vpc),
			// Tagged as it is created, so every group weir made carries the tag
			// Release looks for, even if weir stops right after.
			TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroup,
				Tags: []types.Tag{tag("Name", name), tag(tagQuarantine, j.id), tag(tagWorkload, truncate(j.workload))}}},
		}, j.in)
		if err != nil {
			return "", j.fail(err, "create isolation group %s in %s", name, vpc)
		}
		id = aws.ToString(out.GroupId)
	}

	have, err := j.groupRules(ctx, id)
	if err != nil {
		return "", err
	}
	if created && !slices.ContainsFunc(have, func(r types.SecurityGroupRule) bool { return aws.ToBool(r.IsEgress) }) {
		// A new group always has its default allow-all egress rule. Not seeing
		// it means EC2 does not show the new group yet (it is eventually
		// consistent): revoking nothing would leave that rule in place.
		return "", j.fail(errNotVisible, "describe rules of new group %s", id)
	}
	d := diffRules(have, want)
	if len(d.RevokeIngress) > 0 {
		if _, err := j.client.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{
			GroupId: aws.String(id), SecurityGroupRuleIds: d.RevokeIngress}, j.in); err != nil {
			return "", j.fail(err, "revoke ingress rules %s of %s", strings.Join(d.RevokeIngress, ","), id)
		}
	}
	if len(d.RevokeEgress) > 0 {
		if _, err := j.client.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{
			GroupId: aws.String(id), SecurityGroupRuleIds: d.RevokeEgress}, j.in); err != nil {
			return "", j.fail(err, "revoke egress rules %s of %s", strings.Join(d.RevokeEgress, ","), id)
		}
	}
	var in, out []rule
	for _, r := range d.Authorize {
		if r.Egress {
			out = append(out, r)
		} else {
			in = append(in, r)
		}
	}
	if len(in) > 0 {
		if _, err := j.client.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
			GroupId: aws.String(id), IpPermissions: permissions(in, j.id)}, j.in); err != nil {
			return "", j.fail(err, "allow %d inbound rules in %s", len(in), id)
		}
	}
	if len(out) > 0 {
		if _, err := j.client.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{
			GroupId: aws.String(id), IpPermissions: permissions(out, j.id)}, j.in); err != nil {
			return "", j.fail(err, "allow %d outbound rules in %s", len(out), id)
		}
	}
	return id, nil
}

// deleteGroups deletes the quarantine's isolation groups in the region, and
// only groups weir tagged as it created them.
func (j job) deleteGroups(ctx context.Context) error {
	name := groupName(j.id)
	found, err := j.findGroups(ctx, "find isolation group "+name,
		filter("group-name", name), filter("tag:"+tagQuarantine, j.id))
	if err != nil {
		return err
	}
	for _, g := range found {
		id := aws.ToString(g.GroupId)
		_, err := j.client.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)}, j.in)
		switch {
		case err == nil, errorCode(err) == "InvalidGroup.NotFound":
		case errorCode(err) == "DependencyViolation":
			// Usually the interfaces' change has not propagated yet; the retry
			// deletes it. If an interface was given the group by hand, it waits
			// for a person.
			return j.fail(err, "delete isolation group %s (%s): still in use", id, name)
		default:
			return j.fail(err, "delete isolation group %s (%s)", id, name)
		}
	}
	return nil
}

func (j job) findGroups(ctx context.Context, what string, filters ...types.Filter) ([]types.SecurityGroup, error) {
	var out []types.SecurityGroup
	p := ec2.NewDescribeSecurityGroupsPaginator(j.client, &ec2.DescribeSecurityGroupsInput{Filters: filters,
		MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, j.in)
		if err != nil {
			return nil, j.fail(err, "%s", what)
		}
		out = append(out, page.SecurityGroups...)
	}
	return out, nil
}

func (j job) groupRules(ctx context.Context, groupID string) ([]types.SecurityGroupRule, error) {
	var out []types.SecurityGroupRule
	p := ec2.NewDescribeSecurityGroupRulesPaginator(j.client, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []types.Filter{filter("group-id", groupID)}, MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, j.in)
		if err != nil {
			return nil, j.fail(err, "describe rules of %s", groupID)
		}
		out = append(out, page.SecurityGroupRules...)
	}
	return out, nil
}

func filter(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

// truncate keeps a tag value within EC2's 256 characters.
func truncate(s string) string {
	if len(s) <= maxTagValue {
		return s
	}
	cut := maxTagValue
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
