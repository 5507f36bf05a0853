package azureflow

import (
	"bytes"

	"github.com/valyala/fastjson"
)

// origin is what one JSON record says about where its tuples come from; every
// string is interned, so that records of the same NIC share them.
type origin struct {
	format   string
	exporter string
	account  string // subscription id, lower case
	region   string
	vpc      string // the VNet name (VNet logs) or the NSG name (NSG logs)
	instance string // the NIC the tuples were observed at; see vnetOrigin and nsgInstance
}

// vnetOrigin reads a VNet flow log record's resource ids.
//
// The NIC: targetResourceID names what the flow log was enabled on: a VNet, a
// subnet or a NIC. Only in the last case does it name the NIC, and that name is
// the instance. Otherwise the record's macAddress is the only identity of the NIC
// (a VNet-level flow log writes one record per NIC), so the instance is the MAC
// written the way the portal shows it (00-22-48-7B-C2-05), which inventory can map.
func (d *Decoder) vnetOrigin(v *fastjson.Value) origin {
	target := v.GetStringBytes("targetResourceID")
	logID := v.GetStringBytes("flowLogResourceID")
	sub := resourceName(target, "subscriptions")
	if sub == nil {
		sub = resourceName(logID, "subscriptions")
	}
	o := origin{format: FormatVNet, account: d.lower(sub)}
	o.vpc = d.strs.Get(resourceName(target, "virtualNetworks"))
	if nic := resourceName(target, "networkInterfaces"); nic != nil {
		o.instance = d.strs.Get(nic)
	} else {
		o.instance = d.mac(v.GetStringBytes("macAddress"))
	}
	o.region = d.region(v, logID)
	o.exporter = d.exporter(FormatVNet, o.account, o.instance)
	return o
}

// nsgOrigin reads an NSG flow log record's resource id. The NIC is named per group
// of tuples (flows[].flows[].mac), see nsgInstance; the exporter is the NSG.
func (d *Decoder) nsgOrigin(v *fastjson.Value) origin {
	id := v.GetStringBytes("resourceId")
	nsg := d.strs.Get(resourceName(id, "networkSecurityGroups"))
	o := origin{format: FormatNSG, account: d.lower(resourceName(id, "subscriptions")), vpc: nsg}
	o.region = d.region(v, nil)
	o.exporter = d.exporter(FormatNSG, o.account, nsg)
	return o
}

// nsgInstance is the NIC of one group of NSG tuples: its MAC address, the only
// identity an NSG flow log gives it (written as the portal shows it).
func (d *Decoder) nsgInstance(group *fastjson.Value) string {
	return d.mac(group.GetStringBytes("mac"))
}

// region is the record's "location" where present. Otherwise a VNet flow log's
// Network Watcher gives it: Azure creates one watcher per region, named
// NetworkWatcher_<region>; a watcher named otherwise leaves the region empty.
func (d *Decoder) region(v *fastjson.Value, logID []byte) string {
	if loc := v.GetStringBytes("location"); len(loc) > 0 {
		// "East US" and "eastus" are the same region; the second is the canonical name.
		b := d.scratch[:0]
		for _, c := range loc {
			if c != ' ' {
				b = append(b, lowerByte(c))
			}
		}
		d.scratch = b
		return d.strs.Get(b)
	}
	w := resourceName(logID, "networkWatchers")
	const prefix = "networkwatcher_"
	if len(w) > len(prefix) && bytes.EqualFold(w[:len(prefix)], []byte(prefix)) {
		return d.lower(w[len(prefix):])
	}
	return ""
}

// exporter is "<format>/<subscription>/<nic or nsg>".
func (d *Decoder) exporter(format, account, name string) string {
	b := append(d.scratch[:0], format...)
	b = append(b, '/')
	b = append(b, account...)
	b = append(b, '/')
	b = append(b, name...)
	d.scratch = b
	return d.strs.Get(b)
}

// lower interns b in lower case (subscription ids are GUIDs that Azure writes in
// either case; inventory writes them in lower case).
func (d *Decoder) lower(b []byte) string {
	out := d.scratch[:0]
	for _, c := range b {
		out = append(out, lowerByte(c))
	}
	d.scratch = out
	return d.strs.Get(out)
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// mac interns a MAC address as XX-XX-XX-XX-XX-XX in upper case. Azure writes
// "00224871C205"; anything that is not twelve hex digits (with or without
// separators) is kept as written.
func (d *Decoder) mac(b []byte) string {
	var hex [12]byte
	n := 0
	for _, c := range b {
		switch {
		case c == '-' || c == ':':
			continue
		case n == len(hex):
			return d.strs.Get(b)
		case '0' <= c && c <= '9', 'A' <= c && c <= 'F':
			hex[n] = c
		case 'a' <= c && c <= 'f':
			hex[n] = c - 'a' + 'A'
		default:
			return d.strs.Get(b)
		}
		n++
	}
	if n != len(hex) {
		return d.strs.Get(b)
	}
	out := d.scratch[:0]
	for i := 0; i < len(hex); i += 2 {
		if i > 0 {
			out = append(out, '-')
		}
		out = append(out, hex[i], hex[i+1])
	}
	d.scratch = out
	return d.strs.Get(out)
}

// resourceName returns the segment after /<kind>/ in an Azure resource id
// (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/<kind>/<name>),
// matching kind in any case since Azure upper-cases some ids, or nil.
func resourceName(id []byte, kind string) []byte {
	for len(id) > 0 {
		var seg []byte
		if i := bytes.IndexByte(id, '/'); i >= 0 {
			seg, id = id[:i], id[i+1:]
		} else {
			seg, id = id, nil
		}
		if len(seg) == len(kind) && bytes.EqualFold(seg, []byte(kind)) {
			if i := bytes.IndexByte(id, '/'); i >= 0 {
				id = id[:i]
			}
			if len(id) == 0 {
				return nil
			}
			return id
		}
	}
	return nil
}
