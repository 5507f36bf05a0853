package azure

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"

	"github.com/weirhq/weir/quarantine"
)

// Tags weir puts on a quarantined NIC. The previous NSG lives on the NIC it
// belongs to, so Release needs nothing from weir's own state.
const (
	quarantineTag = "weir-quarantine"   // the quarantine id
	previousTag   = "weir-previous-nsg" // the NSG id the NIC had before, or noNSG
	noNSG         = "none"
	nsgPrefix     = "weir-quarantine-"
)

// nicChain is the resource-type ancestry of a NIC: scale-set NICs, which the
// Interfaces API cannot update, have another.
var nicChain = []arm.ResourceType{arm.TenantResourceType, arm.SubscriptionResourceType,
	arm.ResourceGroupResourceType, arm.NewResourceType("Microsoft.Network", "networkInterfaces")}

// nicIDs are the workload's instances that are full NIC resource ids
// (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/networkInterfaces/…);
// other instances (VM names, VM ids) are not NICs and are left out. A NIC of
// another subscription is an error: the clients are bound to one.
func (e *Enforcer) nicIDs(w quarantine.Workload) ([]*arm.ResourceID, error) {
	var ids []*arm.ResourceID
	for _, s := range w.Instances {
		if !strings.HasPrefix(strings.ToLower(s), "/subscriptions/") {
			continue
		}
		id, err := arm.ParseResourceID(s)
		if err != nil || id.ValidateResourceTypeChain(nicChain) != nil {
			continue
		}
		if !strings.EqualFold(id.SubscriptionID, e.cfg.SubscriptionID) {
			return nil, fmt.Errorf("%w: azure: workload %s: network interface %s is in subscription %s, the enforcer is configured for %s",
				quarantine.ErrPermanent, w.Name, s, id.SubscriptionID, e.cfg.SubscriptionID)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// getNIC reads one NIC; a missing one is (nil, nil), for the caller to judge.
func (e *Enforcer) getNIC(ctx context.Context, id *arm.ResourceID) (*armnetwork.Interface, error) {
	resp, err := e.nics.Get(ctx, id.ResourceGroupName, id.Name, nil)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, apiError("get network interface", id.String(), err)
	}
	return &resp.Interface, nil
}

// listNICs lists the NICs of the configured resource group, or else of the
// subscription.
func (e *Enforcer) listNICs(ctx context.Context) ([]*armnetwork.Interface, error) {
	if rg := e.cfg.ResourceGroup; rg != "" {
		return collect(ctx, e.nics.NewListPager(rg, nil), "list network interfaces", e.scopeName(rg),
			func(p armnetwork.InterfacesClientListResponse) []*armnetwork.Interface { return p.Value })
	}
	return collect(ctx, e.nics.NewListAllPager(nil), "list network interfaces", e.scopeName(""),
		func(p armnetwork.InterfacesClientListAllResponse) []*armnetwork.Interface { return p.Value })
}

// collect reads every page of a list.
func collect[P, T any](ctx context.Context, pager *runtime.Pager[P], call, where string, items func(P) []*T) ([]*T, error) {
	var all []*T
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, apiError(call, where, err)
		}
		for _, it := range items(page) {
			if it != nil {
				all = append(all, it)
			}
		}
	}
	return all, nil
}

// scopeName is the subscription, or one of its resource groups, as a resource id.
func (e *Enforcer) scopeName(rg string) string {
	if rg == "" {
		return "/subscriptions/" + e.cfg.SubscriptionID
	}
	return "/subscriptions/" + e.cfg.SubscriptionID + "/resourceGroups/" + rg
}

// hasIP reports whether one of the NIC's IP configurations holds one of ips.
func hasIP(n *armnetwork.Interface, ips []netip.Addr) bool {
	if n.Properties == nil {
		return false
	}
	for _, c := range n.Properties.IPConfigurations {
		if c == nil || c.Properties == nil || c.Properties.PrivateIPAddress == nil {
			continue
		}
		a, err := netip.ParseAddr(*c.Properties.PrivateIPAddress)
		if err != nil {
			continue
		}
		for _, ip := range ips {
			if ip.Unmap() == a.Unmap() {
				return true
			}
		}
	}
	return false
}

// refOf parses the id of a resource Azure returned, for its resource group
// and name.
func refOf(kind string, id *string) (*arm.ResourceID, error) {
	ref, err := arm.ParseResourceID(deref(id))
	if err != nil || ref.ResourceGroupName == "" {
		return nil, fmt.Errorf("%w: azure: %s with id %q: not a resource id", quarantine.ErrPermanent, kind, deref(id))
	}
	return ref, nil
}

// tag reads a tag by name; Azure compares tag names without case.
func tag(tags map[string]*string, name string) string {
	for k, v := range tags {
		if strings.EqualFold(k, name) && v != nil {
			return *v
		}
	}
	return ""
}

// withoutTags copies tags minus the named ones.
func withoutTags(tags map[string]*string, names ...string) map[string]*string {
	out := make(map[string]*string, len(tags)+len(names))
	for k, v := range tags {
		drop := false
		for _, n := range names {
			drop = drop || strings.EqualFold(k, n)
		}
		if !drop {
			out[k] = v
		}
	}
	return out
}

// currentNSG is the id of the NSG on the NIC, or "".
func currentNSG(n *armnetwork.Interface) string {
	if n.Properties == nil || n.Properties.NetworkSecurityGroup == nil {
		return ""
	}
	return deref(n.Properties.NetworkSecurityGroup.ID)
}

// isWeirNSG reports whether an NSG id names a quarantine NSG of weir's.
func isWeirNSG(id string) bool {
	i := strings.LastIndex(id, "/")
	return strings.HasPrefix(strings.ToLower(id[i+1:]), nsgPrefix)
}
