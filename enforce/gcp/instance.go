package gcp

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"google.golang.org/api/compute/v1"

	"github.com/weirhq/weir/quarantine"
)

// errNoInstance is what find says when no instance is the workload's; Apply
// makes it permanent, Release takes it as nothing to untag.
var errNoInstance = errors.New("no instance found")

// instanceName is the shape of a Compute Engine instance name.
var instanceName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// ref names an instance the workload says it is.
type ref struct {
	zone, name string
	// explicit is set for a Workload.Instances entry; an instance found by the
	// workload's name must also carry one of its addresses, so that a
	// namesake elsewhere is never isolated by mistake.
	explicit bool
}

// refs are the instance names a workload gives, in the order they are tried:
// its Instances entries that are instance names or ".../zones/Z/instances/I"
// paths (a path of another project is skipped), then its own name.
func (e *Enforcer) refs(w quarantine.Workload) []ref {
	var out []ref
	for _, id := range w.Instances {
		r := ref{name: id, explicit: true}
		if i := strings.Index(id, "zones/"); i >= 0 {
			if p := projectOf(id); p != "" && p != e.cfg.Project {
				continue
			}
			parts := strings.Split(id[i:], "/")
			if len(parts) != 4 || parts[2] != "instances" {
				continue
			}
			r.zone, r.name = parts[1], parts[3]
		}
		if instanceName.MatchString(r.name) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if instanceName.MatchString(w.Name) && !slices.ContainsFunc(out, func(r ref) bool { return r.name == w.Name }) {
		out = append(out, ref{name: w.Name})
	}
	return out
}

// where is the zone to look in, or else the region whose zones are searched;
// both empty search every zone of the project.
func (e *Enforcer) where(w quarantine.Workload) (zone, region string) {
	switch {
	case e.cfg.Zone != "":
		return e.cfg.Zone, ""
	case zoneName.MatchString(w.Region):
		return w.Region, ""
	case regionName.MatchString(w.Region):
		return "", w.Region
	}
	return "", ""
}

// find returns the workload's instance: each name the workload gives (see
// refs) is fetched with instances.get in the known zone, or searched with an
// aggregatedList filtered on the name; failing that, the instances of the
// zone or region are listed and the one holding one of the workload's
// addresses is taken. The address match happens here rather than in the
// filter because the API rejects filters on repeated fields such as
// networkInterfaces. Two matches are an error, never a guess.
func (e *Enforcer) find(ctx context.Context, svc *compute.Service, w quarantine.Workload) (*compute.Instance, error) {
	zone, region := e.where(w)
	for _, r := range e.refs(w) {
		z := r.zone
		if z == "" {
			z = zone
		}
		var found []*compute.Instance
		if z != "" {
			inst, err := svc.Instances.Get(e.cfg.Project, z, r.name).Context(ctx).Do()
			if isCode(err, 404) {
				continue
			}
			if err != nil {
				return nil, failed(err, w.Name, "compute.instances.get %s in project %s zone %s", r.name, e.cfg.Project, z)
			}
			found = []*compute.Instance{inst}
		} else {
			var err error
			found, err = e.search(ctx, svc, w, fmt.Sprintf("name = %q", r.name), region)
			if err != nil {
				return nil, err
			}
		}
		if !r.explicit && len(w.IPs) > 0 {
			found = slices.DeleteFunc(found, func(i *compute.Instance) bool { return !holdsAny(i, w.IPs) })
		}
		if inst, err := one(found, w, "named "+r.name); inst != nil || err != nil {
			return inst, err
		}
	}
	if len(w.IPs) == 0 {
		return nil, e.notFound(w, zone, region)
	}
	found, err := e.search(ctx, svc, w, "", region)
	if err != nil {
		return nil, err
	}
	found = slices.DeleteFunc(found, func(i *compute.Instance) bool {
		return (zone != "" && lastSegment(i.Zone) != zone) || !holdsAny(i, w.IPs)
	})
	if inst, err := one(found, w, fmt.Sprintf("with address %v", w.IPs)); inst != nil || err != nil {
		return inst, err
	}
	return nil, e.notFound(w, zone, region)
}

// one is the only instance of found, nil if there is none, or an error
// naming all of them.
func one(found []*compute.Instance, w quarantine.Workload, how string) (*compute.Instance, error) {
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	}
	var names []string
	for _, i := range found {
		names = append(names, lastSegment(i.Zone)+"/"+i.Name)
	}
	return nil, fmt.Errorf("%w: gcp: workload %s: %d instances %s (%s); name the right one in the workload's instances",
		quarantine.ErrPermanent, w.Name, len(found), how, strings.Join(names, ", "))
}

func (e *Enforcer) notFound(w quarantine.Workload, zone, region string) error {
	where := "any zone"
	switch {
	case zone != "":
		where = "zone " + zone
	case region != "":
		where = "the zones of region " + region
	}
	account := ""
	if w.Account != "" && w.Account != e.cfg.Project {
		account = fmt.Sprintf(" (the workload's account is %q)", w.Account)
	}
	return fmt.Errorf("gcp: workload %s: %w named %v or with address %v in project %s, %s%s",
		w.Name, errNoInstance, names(e.refs(w)), w.IPs, e.cfg.Project, where, account)
}

func names(rs []ref) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.name
	}
	return out
}

// search lists the project's instances matching filter (all when empty) in
// the zones of region (all when empty). Zones that did not answer make an
// empty result a transient error, since the instance may be there.
func (e *Enforcer) search(ctx context.Context, svc *compute.Service, w quarantine.Workload, filter, region string) ([]*compute.Instance, error) {
	call := svc.Instances.AggregatedList(e.cfg.Project)
	if filter != "" {
		call = call.Filter(filter)
	}
	var found []*compute.Instance
	var unreachable []string
	err := call.Pages(ctx, func(l *compute.InstanceAggregatedList) error {
		for scope, list := range l.Items {
			if region != "" && !strings.HasPrefix(lastSegment(scope), region+"-") {
				continue
			}
			found = append(found, list.Instances...)
		}
		unreachable = append(unreachable, l.Unreachables...)
		return nil
	})
	if err != nil {
		return nil, failed(err, w.Name, "compute.instances.aggregatedList in project %s (filter %q)", e.cfg.Project, filter)
	}
	if len(found) == 0 && len(unreachable) > 0 {
		return nil, fmt.Errorf("gcp compute.instances.aggregatedList in project %s for workload %s: no match, and %s did not answer",
			e.cfg.Project, w.Name, strings.Join(unreachable, ", "))
	}
	// Map order is random; zone order keeps errors and choices stable.
	slices.SortFunc(found, func(a, b *compute.Instance) int {
		return strings.Compare(lastSegment(a.Zone)+"/"+a.Name, lastSegment(b.Zone)+"/"+b.Name)
	})
	return found, nil
}

// holdsAny reports whether one of inst's interfaces has one of ips, internal
// or external, IPv4 or IPv6.
func holdsAny(inst *compute.Instance, ips []netip.Addr) bool {
	want := make(map[netip.Addr]bool, len(ips))
	for _, ip := range ips {
		want[ip.Unmap().WithZone("")] = true
	}
	for _, nic := range inst.NetworkInterfaces {
		addrs := []string{nic.NetworkIP, nic.Ipv6Address}
		for _, ac := range nic.AccessConfigs {
			addrs = append(addrs, ac.NatIP)
		}
		for _, ac := range nic.Ipv6AccessConfigs {
			addrs = append(addrs, ac.ExternalIpv6)
		}
		for _, s := range addrs {
			if a, err := netip.ParseAddr(s); err == nil && want[a.Unmap()] {
				return true
			}
		}
	}
	return false
}

// networks are the distinct networks of inst's interfaces, nic0's first.
func networks(inst *compute.Instance) []string {
	var out []string
	for _, nic := range inst.NetworkInterfaces {
		if nic.Network != "" && !slices.ContainsFunc(out, func(n string) bool {
			return resourcePath(n) == resourcePath(nic.Network)
		}) {
			out = append(out, nic.Network)
		}
	}
	return out
}
