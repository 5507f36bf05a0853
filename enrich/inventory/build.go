package inventory

import (
	"fmt"
	"net/netip"
	"strings"
)

// build validates f and indexes it. A duplicate name, instance id, address or
// network is an error: enrichment could not say which workload a flow belongs to.
func build(f file) (*Inventory, error) {
	inv := &Inventory{
		byIP:       make(map[netip.Addr]*Workload),
		byInstance: make(map[string]*Workload),
		byFolded:   make(map[string]*Workload),
		byName:     make(map[string]*Workload, len(f.workloads)),
	}
	seenNet := make(map[netip.Prefix]int)
	for i, n := range f.networks {
		p, err := netip.ParsePrefix(strings.TrimSpace(n.CIDR))
		if err != nil {
			return nil, fmt.Errorf("%s: network: bad cidr %q: %w", f.locate("networks", i, "cidr", -1), n.CIDR, err)
		}
		if p.Masked() != p {
			return nil, fmt.Errorf("%s: network: cidr %s has host bits set (did you mean %s?)", f.locate("networks", i, "cidr", -1), p, p.Masked())
		}
		if j, dup := seenNet[p]; dup {
			return nil, fmt.Errorf("%s: network %s is listed twice (also %s)", f.locate("networks", i, "cidr", -1), p, f.locate("networks", j, "", -1))
		}
		seenNet[p] = i
		inv.Networks = append(inv.Networks, Network{
			Prefix: p, Zone: strings.TrimSpace(n.Zone),
			Cloud: strings.ToLower(strings.TrimSpace(n.Cloud)), Region: strings.TrimSpace(n.Region),
		})
		inv.nets.Insert(p, int32(len(inv.Networks)-1))
	}

	instanceAt := make(map[string]int)
	ipAt := make(map[netip.Addr]int)
	for i, rw := range f.workloads {
		name := strings.TrimSpace(rw.Name)
		if name == "" {
			return nil, fmt.Errorf("%s: workload has no name", f.locate("workloads", i, "", -1))
		}
		if prev := inv.byName[name]; prev != nil {
			return nil, fmt.Errorf("%s: workload %q is listed twice", f.locate("workloads", i, "name", -1), name)
		}
		w := &Workload{
			Name:    name,
			Kind:    strings.TrimSpace(rw.Kind),
			Cloud:   strings.ToLower(strings.TrimSpace(rw.Cloud)),
			Account: strings.TrimSpace(rw.Account),
			Region:  strings.TrimSpace(rw.Region),
		}
		for j, s := range rw.IPs {
			ip, err := netip.ParseAddr(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("%s: workload %q: bad ip %q: %w", f.locate("workloads", i, "ips", j), name, s, err)
			}
			ip = ip.Unmap()
			if k, dup := ipAt[ip]; dup {
				if k == i {
					continue // the same address twice in one workload is harmless
				}
				return nil, fmt.Errorf("%s: workload %q: ip %s is also in workload %q (%s)",
					f.locate("workloads", i, "ips", j), name, ip, f.workloads[k].Name, f.locate("workloads", k, "", -1))
			}
			ipAt[ip] = i
			w.IPs = append(w.IPs, ip)
			inv.byIP[ip] = w
		}
		if len(rw.Labels) > 0 {
			w.Labels = make(map[string]string, len(rw.Labels))
			for k, v := range rw.Labels {
				w.Labels[k] = string(v)
			}
		}
		w.Role, w.App, w.Env, w.Loc = w.Labels["role"], w.Labels["app"], w.Labels["env"], w.Labels["loc"]
		if w.Loc == "" {
			w.Loc = w.Region
		}
		inv.byName[name] = w
		inv.Workloads = append(inv.Workloads, w)

		// Names are ids too: Azure and GCP logs name VMs. Instances come first so
		// that an explicit id is never shadowed by another workload's name.
		for j, id := range rw.Instances {
			id = strings.TrimSpace(id)
			if k, dup := instanceAt[id]; dup && k != i {
				return nil, fmt.Errorf("%s: workload %q: instance %q is also in workload %q",
					f.locate("workloads", i, "instances", j), name, id, f.workloads[k].Name)
			}
			instanceAt[id] = i
			w.Instances = append(w.Instances, id)
		}
	}
	for _, w := range inv.Workloads {
		for _, id := range w.Instances {
			inv.byInstance[id] = w
			inv.byFolded[strings.ToLower(id)] = w
		}
	}
	for _, w := range inv.Workloads {
		if _, ok := inv.byInstance[w.Name]; !ok {
			inv.byInstance[w.Name] = w
		}
		if _, ok := inv.byFolded[strings.ToLower(w.Name)]; !ok {
			inv.byFolded[strings.ToLower(w.Name)] = w
		}
	}
	return inv, nil
}
