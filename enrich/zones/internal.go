package zones

import (
	"net/netip"

	"github.com/weirhq/weir/enrich/inventory"
)

// privatePrefixes are never routed on the Internet, so they belong to the estate:
// RFC 1918, RFC 6598 shared address space (CGNAT), loopback, link-local, RFC 4193
// unique local addresses.
var privatePrefixes = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("fc00::/7"),
}

// cloudNames spells an inventory's cloud for a zone name.
var cloudNames = map[string]string{
	"aws": "AWS", "azure": "Azure", "gcp": "GCP", "oci": "OCI",
	"digitalocean": "DigitalOcean", "linode": "Linode",
}

// InternalZone is the zone name of the estate's space in cloud: "Internal Azure",
// or "Internal" for on-premises and unknown clouds.
func InternalZone(cloud string) string {
	switch cloud {
	case "", "onprem", "on-prem", "onpremises":
		return ZoneInternal
	}
	if n, ok := cloudNames[cloud]; ok {
		return ZoneInternal + " " + n
	}
	return ZoneInternal + " " + cloud
}

// buildInternal builds the estate's table: private ranges, then the inventory's
// networks and its workloads' own addresses (a public address listed for a
// workload is the estate's too). Longest prefix match settles nesting.
func buildInternal(inv *inventory.Inventory) *table {
	b := newBuilder()
	for _, p := range privatePrefixes {
		b.add(p, Info{Zone: ZoneInternal, Internal: true}, 0, 0)
	}
	if inv == nil {
		return b.build()
	}
	// Inventory entries replace what is there: the file may name a private
	// prefix itself (10.0.0.0/8 as "Internal Azure").
	for _, n := range inv.Networks {
		zone := n.Zone
		if zone == "" {
			zone = InternalZone(n.Cloud)
		}
		b.set(n.Prefix, Info{Zone: zone, Cloud: n.Cloud, Region: n.Region, Internal: true})
	}
	for _, w := range inv.Workloads {
		for _, ip := range w.IPs {
			info := Info{Cloud: w.Cloud, Region: w.Region, Internal: true}
			n, inNet := inv.Network(ip)
			if inNet && info.Cloud == "" {
				info.Cloud = n.Cloud
			}
			if inNet && info.Region == "" {
				info.Region = n.Region
			}
			info.Zone = InternalZone(info.Cloud)
			if inNet && n.Zone != "" {
				info.Zone = n.Zone
			}
			b.set(netip.PrefixFrom(ip, ip.BitLen()), info)
		}
	}
	return b.build()
}
