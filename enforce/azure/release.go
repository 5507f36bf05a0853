package azure

import (
	"context"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"

	"github.com/weirhq/weir/quarantine"
)

// Release gives every NIC tagged with the quarantine its previous NSG back
// (or none), drops weir's tags, then deletes the quarantine's NSGs. It looks
// where Apply looked: the NIC ids among the workload's instances, else the
// subscription (or configured resource group), and finds NICs by tag, not by
// IP, so a NIC whose address changed is released too. The NSGs are found by
// name after the NICs are restored, so a Release that stopped between the
// two finishes on the next try. Nothing tagged and no NSG left: it succeeds
// without writing.
func (e *Enforcer) Release(ctx context.Context, t quarantine.Target) error {
	return inWorkload(t.Workload.Name, e.release(ctx, t))
}

func (e *Enforcer) release(ctx context.Context, t quarantine.Target) error {
	name, err := nsgName(t.Quarantine.ID)
	if err != nil {
		return err
	}
	ids, err := e.nicIDs(t.Workload)
	if err != nil {
		return err
	}
	var nics []*armnetwork.Interface
	var rgs []string // where the NSGs are; none: the configured scope
	if len(ids) > 0 {
		for _, id := range ids {
			n, err := e.getNIC(ctx, id)
			if err != nil {
				return err
			}
			if n != nil { // a NIC deleted meanwhile has nothing to restore
				nics = append(nics, n)
			}
			if !containsFold(rgs, id.ResourceGroupName) {
				rgs = append(rgs, id.ResourceGroupName)
			}
		}
	} else if nics, err = e.listNICs(ctx); err != nil {
		return err
	}
	for _, n := range nics {
		if tag(n.Tags, quarantineTag) != t.Quarantine.ID {
			continue
		}
		if err := e.restore(ctx, n); err != nil {
			return err
		}
	}
	return e.deleteNSGs(ctx, rgs, name)
}

// restore puts the saved NSG back on the NIC and drops weir's tags.
func (e *Enforcer) restore(ctx context.Context, n *armnetwork.Interface) error {
	ref, err := refOf("network interface", n.ID)
	if err != nil {
		return err
	}
	upd := *n
	upd.Tags = withoutTags(n.Tags, quarantineTag, previousTag)
	var props armnetwork.InterfacePropertiesFormat
	if n.Properties != nil {
		props = *n.Properties
	}
	if prev := tag(n.Tags, previousTag); prev == "" || prev == noNSG {
		// An explicit null: the update must take the NSG off, not leave it.
		props.NetworkSecurityGroup = azcore.NullValue[*armnetwork.SecurityGroup]()
	} else {
		props.NetworkSecurityGroup = &armnetwork.SecurityGroup{ID: to.Ptr(prev)}
	}
	upd.Properties = &props
	poller, err := e.nics.BeginCreateOrUpdate(ctx, ref.ResourceGroupName, ref.Name, upd, nil)
	if err == nil {
		_, err = poller.PollUntilDone(ctx, e.poll)
	}
	if err != nil {
		return apiError("restore network interface", ref.String(), err)
	}
	return nil
}

// deleteNSGs deletes the NSGs named name in the resource groups rgs, or
// else in the configured scope; one already gone is fine.
func (e *Enforcer) deleteNSGs(ctx context.Context, rgs []string, name string) error {
	nsgs, err := e.listNSGs(ctx, rgs)
	if err != nil {
		return err
	}
	for _, g := range nsgs {
		if !strings.EqualFold(deref(g.Name), name) {
			continue
		}
		id := deref(g.ID)
		ref, err := refOf("network security group", g.ID)
		if err != nil {
			return err
		}
		poller, err := e.nsgs.BeginDelete(ctx, ref.ResourceGroupName, ref.Name, nil)
		if err == nil {
			_, err = poller.PollUntilDone(ctx, e.poll)
		}
		if err != nil && !isNotFound(err) {
			return apiError("delete network security group", id, err)
		}
	}
	return nil
}

// listNSGs lists the NSGs of the resource groups rgs, or else of the
// configured resource group, or else of the subscription.
func (e *Enforcer) listNSGs(ctx context.Context, rgs []string) ([]*armnetwork.SecurityGroup, error) {
	if len(rgs) == 0 && e.cfg.ResourceGroup == "" {
		return collect(ctx, e.nsgs.NewListAllPager(nil), "list network security groups", e.scopeName(""),
			func(p armnetwork.SecurityGroupsClientListAllResponse) []*armnetwork.SecurityGroup { return p.Value })
	}
	if len(rgs) == 0 {
		rgs = []string{e.cfg.ResourceGroup}
	}
	var all []*armnetwork.SecurityGroup
	for _, rg := range rgs {
		more, err := collect(ctx, e.nsgs.NewListPager(rg, nil), "list network security groups", e.scopeName(rg),
			func(p armnetwork.SecurityGroupsClientListResponse) []*armnetwork.SecurityGroup { return p.Value })
		if err != nil {
			return nil, err
		}
		all = append(all, more...)
	}
	return all, nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
