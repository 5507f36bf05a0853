package azure

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"

	"github.com/weirhq/weir/quarantine"
)

// Apply puts the quarantine's NSG on the workload's NICs: the NIC resource
// ids among its instances when there are any, else every NIC of the
// subscription (or configured resource group) with one of its IP addresses.
// It is idempotent: an NSG that already has the right rules is not written,
// a NIC that already carries the NSG and this quarantine's tags is not
// written, and the saved previous NSG is never replaced by a quarantine NSG.
func (e *Enforcer) Apply(ctx context.Context, t quarantine.Target) error {
	return inWorkload(t.Workload.Name, e.apply(ctx, t))
}

func (e *Enforcer) apply(ctx context.Context, t quarantine.Target) error {
	name, err := nsgName(t.Quarantine.ID)
	if err != nil {
		return err
	}
	nics, err := e.workloadNICs(ctx, t.Workload)
	if err != nil {
		return err
	}
	// One NSG per resource group, in the NICs' location: an NSG only attaches
	// to NICs of its own region. Checked before any write.
	type group struct{ rg, location, nsgID string }
	groups := map[string]*group{}
	for _, n := range nics {
		ref, err := refOf("network interface", n.ID)
		if err != nil {
			return err
		}
		key := strings.ToLower(ref.ResourceGroupName)
		if g, ok := groups[key]; ok && !strings.EqualFold(g.location, deref(n.Location)) {
			return fmt.Errorf("%w: azure: workload %s has network interfaces in resource group %s in two locations (%s, %s); "+
				"one quarantine NSG cannot serve both", quarantine.ErrPermanent, t.Workload.Name, ref.ResourceGroupName,
				g.location, deref(n.Location))
		}
		groups[key] = &group{rg: ref.ResourceGroupName, location: deref(n.Location)}
	}
	rules := securityRules(t.Allow)
	for _, n := range nics {
		ref, _ := refOf("network interface", n.ID)
		g := groups[strings.ToLower(ref.ResourceGroupName)]
		if g.nsgID == "" {
			if g.nsgID, err = e.ensureNSG(ctx, g.rg, g.location, name, t.Quarantine.ID, rules); err != nil {
				return err
			}
		}
		if err := e.attach(ctx, n, ref, g.nsgID, t.Quarantine.ID); err != nil {
			return err
		}
	}
	return nil
}

// workloadNICs finds the NICs to quarantine; finding none is permanent.
func (e *Enforcer) workloadNICs(ctx context.Context, w quarantine.Workload) ([]*armnetwork.Interface, error) {
	ids, err := e.nicIDs(w)
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		var nics []*armnetwork.Interface
		for _, id := range ids {
			n, err := e.getNIC(ctx, id)
			if err != nil {
				return nil, err
			}
			if n == nil {
				return nil, fmt.Errorf("%w: azure: workload %s: network interface %s does not exist", quarantine.ErrPermanent, w.Name, id)
			}
			nics = append(nics, n)
		}
		return nics, nil
	}
	if len(w.IPs) == 0 {
		return nil, fmt.Errorf("%w: azure: workload %s has no network interface id among its instances and no IP address "+
			"to find one by", quarantine.ErrPermanent, w.Name)
	}
	all, err := e.listNICs(ctx)
	if err != nil {
		return nil, err
	}
	var nics []*armnetwork.Interface
	for _, n := range all {
		if hasIP(n, w.IPs) {
			nics = append(nics, n)
		}
	}
	if len(nics) == 0 {
		return nil, fmt.Errorf("%w: azure: workload %s: no network interface in %s has private IP %s",
			quarantine.ErrPermanent, w.Name, e.scopeName(e.cfg.ResourceGroup), joinAddrs(w.IPs))
	}
	return nics, nil
}

// ensureNSG creates or updates the quarantine NSG unless it already holds
// exactly these rules, and returns its id.
func (e *Enforcer) ensureNSG(ctx context.Context, rg, location, name, qid string, rules []*armnetwork.SecurityRule) (string, error) {
	id := e.scopeName(rg) + "/providers/Microsoft.Network/networkSecurityGroups/" + name
	got, err := e.nsgs.Get(ctx, rg, name, nil)
	switch {
	case err == nil && got.Properties != nil && deref(got.Properties.FlushConnection) &&
		slices.Equal(ruleKeys(got.Properties.SecurityRules), ruleKeys(rules)):
		return id, nil
	case err != nil && !isNotFound(err):
		return "", apiError("get network security group", id, err)
	}
	nsg := armnetwork.SecurityGroup{
		Location: to.Ptr(location),
		Tags:     map[string]*string{quarantineTag: to.Ptr(qid)},
		Properties: &armnetwork.SecurityGroupPropertiesFormat{
			SecurityRules: rules,
			// Re-evaluate connections already open when the rules change, so
			// a session the quarantine should cut does not live on.
			FlushConnection: to.Ptr(true),
		},
	}
	poller, err := e.nsgs.BeginCreateOrUpdate(ctx, rg, name, nsg, nil)
	if err == nil {
		_, err = poller.PollUntilDone(ctx, e.poll)
	}
	if err != nil {
		return "", apiError("create network security group", id, err)
	}
	return id, nil
}

// attach puts the NSG on the NIC and tags the NIC with the quarantine and the
// NSG it had before, in one update. The saved NSG is the NIC's original one:
// when a quarantine tag is already there, its saved value is kept.
func (e *Enforcer) attach(ctx context.Context, n *armnetwork.Interface, ref *arm.ResourceID, nsgID, qid string) error {
	cur := currentNSG(n)
	held := tag(n.Tags, quarantineTag)
	saved := tag(n.Tags, previousTag)
	if held == qid && saved != "" && strings.EqualFold(cur, nsgID) {
		return nil
	}
	prev := saved
	if held == "" || saved == "" {
		prev = cur
		if prev == "" || isWeirNSG(prev) {
			// A weir NSG with its tags gone says nothing of what came before.
			prev = noNSG
		}
	}
	upd := *n
	upd.Tags = withoutTags(n.Tags, quarantineTag, previousTag)
	upd.Tags[quarantineTag], upd.Tags[previousTag] = to.Ptr(qid), to.Ptr(prev)
	var props armnetwork.InterfacePropertiesFormat
	if n.Properties != nil {
		props = *n.Properties
	}
	props.NetworkSecurityGroup = &armnetwork.SecurityGroup{ID: to.Ptr(nsgID)}
	upd.Properties = &props
	poller, err := e.nics.BeginCreateOrUpdate(ctx, ref.ResourceGroupName, ref.Name, upd, nil)
	if err == nil {
		_, err = poller.PollUntilDone(ctx, e.poll)
	}
	if err != nil {
		return apiError("update network interface", ref.String(), err)
	}
	return nil
}

var nsgNameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// nsgName is the quarantine's NSG name; the id goes into it as it is, so it
// must be a valid part of an Azure name.
func nsgName(qid string) (string, error) {
	if !nsgNameRe.MatchString(qid) {
		return "", fmt.Errorf("%w: azure: quarantine id %q cannot be part of an NSG name", quarantine.ErrPermanent, qid)
	}
	return nsgPrefix + qid, nil
}

func joinAddrs(ips []netip.Addr) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ", ")
}
