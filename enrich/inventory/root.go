// Package inventory loads the estate's inventory — its networks and workloads — from a
// YAML, JSON or CSV file and answers which workload an address, an instance id or a
// name belongs to, and which inventory network holds an address.
//
// It owns the file formats and the lookups. It does not decide zones for addresses
// outside the inventory (enrich/zones does), nor infer roles from traffic.
//
// An Inventory is built once by Load and is then read-only: every method is safe for
// concurrent use.
package inventory

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/gaissmai/bart"
)

// Workload is one named thing in the estate: a VM, a database service, a node.
type Workload struct {
	Name    string
	Kind    string // e.g. "Virtual Machine"
	IPs     []netip.Addr
	Cloud   string // aws, azure, gcp, oci, onprem... as the file gives it, lower-cased
	Account string
	Region  string
	// Instances are the ids logs use for this workload besides its name: AWS
	// instance ids, Azure VM or NIC names, GCP instance names.
	Instances []string
	Labels    map[string]string
	// Role, App, Env and Loc are the labels of the same names, copied out because
	// every flow reads them. Loc defaults to Region when the labels do not set it.
	Role, App, Env, Loc string
}

// Network is address space that belongs to the estate.
type Network struct {
	Prefix netip.Prefix
	Zone   string // e.g. "Internal Azure"; empty when the file does not say
	Cloud  string
	Region string
}

// Inventory is the loaded file with its indexes.
type Inventory struct {
	Workloads []*Workload
	Networks  []Network

	byIP       map[netip.Addr]*Workload
	byInstance map[string]*Workload // instances and names, exact
	byFolded   map[string]*Workload // instances and names, lower-cased
	byName     map[string]*Workload
	nets       bart.Table[int32] // prefix → index in Networks
}

// Load reads the inventory at path. The format is chosen by the extension: .yaml or
// .yml, .json, .csv. Errors name the file and the line or record at fault.
func Load(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read inventory: %w", err)
	}
	var f file
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".yaml", ".yml", ".json":
		// JSON is read by the YAML decoder too (it is a subset of YAML), so that
		// both report errors with line numbers.
		f, err = parseYAML(data)
	case ".csv":
		f, err = parseCSV(data)
	default:
		return nil, fmt.Errorf("inventory %s: unknown extension %q (want .yaml, .yml, .json or .csv)", path, ext)
	}
	if err != nil {
		return nil, fmt.Errorf("inventory %s: %w", path, err)
	}
	inv, err := build(f)
	if err != nil {
		return nil, fmt.Errorf("inventory %s: %w", path, err)
	}
	return inv, nil
}

// ByIP returns the workload that has ip, or nil.
func (inv *Inventory) ByIP(ip netip.Addr) *Workload {
	if inv == nil {
		return nil
	}
	return inv.byIP[ip.Unmap()]
}

// ByInstance returns the workload a log's instance id names: one of its Instances,
// or its name (logs such as Azure's and GCP's name VMs), compared exactly and then
// case-insensitively. It returns nil when none matches.
func (inv *Inventory) ByInstance(id string) *Workload {
	if inv == nil || id == "" {
		return nil
	}
	if w := inv.byInstance[id]; w != nil {
		return w
	}
	return inv.byFolded[strings.ToLower(id)]
}

// ByName returns the workload with exactly this name, or nil.
func (inv *Inventory) ByName(name string) *Workload {
	if inv == nil {
		return nil
	}
	return inv.byName[name]
}

// Network returns the most specific inventory network holding ip.
func (inv *Inventory) Network(ip netip.Addr) (Network, bool) {
	if inv == nil {
		return Network{}, false
	}
	i, ok := inv.nets.Lookup(ip.Unmap())
	if !ok {
		return Network{}, false
	}
	return inv.Networks[i], true
}
