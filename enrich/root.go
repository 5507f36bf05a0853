// Package enrich puts weir's enrichment sources together: for each flow, which
// workload each end is, its labels, zone, country and AS, whether a threat feed
// lists it, what domain it was reached by, which service the flow is and whether it
// is an AI service. Each source lives in its own package (enrich/<source>) and is
// read-only after loading; this package only loads them and applies them in order.
package enrich

import (
	"fmt"

	"github.com/weirhq/weir/enrich/dns"
	"github.com/weirhq/weir/enrich/geo"
	"github.com/weirhq/weir/enrich/intel"
	"github.com/weirhq/weir/enrich/inventory"
	"github.com/weirhq/weir/enrich/llm"
	"github.com/weirhq/weir/enrich/services"
	"github.com/weirhq/weir/enrich/zones"
)

// Configuration names the enrichment sources. Empty fields use the bundled data.
type Configuration struct {
	Inventory string              `yaml:"inventory"` // workloads and networks (YAML, JSON or CSV)
	Intel     []intel.Feed        `yaml:"intel"`
	Services  string              `yaml:"services"` // extra services catalog entries (YAML)
	Zones     zones.Configuration `yaml:"zones"`
	Geo       geo.Configuration   `yaml:"geo"`
	LLM       llm.Configuration   `yaml:"llm"`
	DNS       dns.Configuration   `yaml:"dns"`
}

// Tables are the loaded sources, shared by every Enricher. The passive-DNS index
// takes observations while flows are enriched; the others are read-only.
type Tables struct {
	Inventory *inventory.Inventory
	Zones     *zones.Zones
	Geo       *geo.DB
	Intel     *intel.Intel
	Services  *services.Catalog
	LLM       *llm.Catalog
	DNS       *dns.Index
}

// Load reads every source cfg names.
func Load(cfg Configuration) (*Tables, error) {
	t := &Tables{}
	var err error
	if cfg.Inventory != "" {
		if t.Inventory, err = inventory.Load(cfg.Inventory); err != nil {
			return nil, err
		}
	}
	if t.Zones, err = zones.New(cfg.Zones, t.Inventory); err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	if t.Geo, err = geo.New(cfg.Geo); err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	if t.Intel, err = intel.Load(cfg.Intel); err != nil {
		return nil, fmt.Errorf("threat intel: %w", err)
	}
	t.Services = services.Default()
	if cfg.Services != "" {
		if t.Services, err = services.LoadFile(cfg.Services); err != nil {
			return nil, err
		}
	}
	if t.LLM, err = llm.New(cfg.LLM); err != nil {
		return nil, fmt.Errorf("llm catalog: %w", err)
	}
	dc := cfg.DNS
	if dc == (dns.Configuration{}) {
		dc = dns.DefaultConfiguration()
	}
	if t.DNS, err = dns.New(dc); err != nil {
		return nil, fmt.Errorf("passive dns: %w", err)
	}
	return t, nil
}
