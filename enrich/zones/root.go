// Package zones says which zone an address is in: the estate's own address space
// ("Internal Azure", "Internal AWS", "Internal" for on-premises and private ranges),
// a public cloud ("AWS", "Azure", "GCP", "OCI", "DigitalOcean", "Linode", with the
// region and service where the vendor's file gives them), or "Internet".
//
// It owns the vendors' range formats and a bundled snapshot of them (data/). It does
// not own the inventory (enrich/inventory) nor country and ASN (enrich/geo).
//
// Tables are built once and then read-only: Lookup is safe for concurrent use. The
// bundled vendor table is built on first use and shared by every Zones.
package zones

import (
	"net/netip"

	"github.com/weirhq/weir/enrich/inventory"
)

// Info is what Lookup knows about an address.
type Info struct {
	Zone     string // e.g. "Internal Azure", "AWS", "Internet"
	Cloud    string // aws, azure, gcp, oci, digitalocean, linode; or the inventory's cloud; empty for the Internet
	Region   string // vendor region (AWS region, GCP scope, Azure region) or the inventory's
	Internal bool   // the address belongs to the estate: a private range or an inventory network
	Service  string // vendor service, e.g. AWS "S3", Azure tag "Storage"; empty when only generic
}

// Zone names that are not a cloud.
const (
	ZoneInternal = "Internal"
	ZoneInternet = "Internet"
)

// Zones answers Lookup from the estate's table and the vendors' table.
type Zones struct {
	internal *table // private ranges, inventory networks and workload addresses
	vendors  *table // public cloud ranges
}

// New builds the estate's table from inv (which may be nil) and loads the vendors'
// ranges: the bundled snapshot, shared, unless cfg names files.
func New(cfg Configuration, inv *inventory.Inventory) (*Zones, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	var vt *table
	var err error
	if len(cfg.Paths) == 0 {
		vt, err = bundledVendors()
	} else {
		vt, err = buildVendors(cfg.Paths)
	}
	if err != nil {
		return nil, err
	}
	return &Zones{internal: buildInternal(inv), vendors: vt}, nil
}

var internet = Info{Zone: ZoneInternet}

// Lookup returns the zone of ip. The estate's own space wins over the vendors': an
// inventory network inside a cloud's public range is internal. An invalid address
// has the zero Info.
func (z *Zones) Lookup(ip netip.Addr) Info {
	if !ip.IsValid() {
		return Info{}
	}
	ip = ip.Unmap()
	if i, ok := z.internal.t.Lookup(ip); ok {
		return z.internal.infos[i]
	}
	if i, ok := z.vendors.t.Lookup(ip); ok {
		return z.vendors.infos[i]
	}
	return internet
}
