package main

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/weirhq/weir/agent"
	"github.com/weirhq/weir/enrich"
	"github.com/weirhq/weir/enrich/dns"
	"github.com/weirhq/weir/enrich/geo"
	"github.com/weirhq/weir/enrich/intel"
	"github.com/weirhq/weir/enrich/llm"
	"github.com/weirhq/weir/enrich/zones"
	"github.com/weirhq/weir/hunt"
	"github.com/weirhq/weir/notify"
)

// fileConfig is the YAML file --config names. Flags given on the command line win
// over it. Example:
//
//	data: /var/lib/weir
//	inventory: /etc/weir/inventory.yaml
//	intel:
//	  - {name: firehol_level1, path: /etc/weir/firehol_level1.netset}
//	  - {name: feodo, path: /etc/weir/ipblocklist.csv, category: c2, confidence: 90}
//	services: /etc/weir/services.yaml
//	zones: {aws: /etc/weir/ip-ranges.json}
//	geo: {country_db: /etc/weir/GeoLite2-Country.mmdb, asn_db: /etc/weir/GeoLite2-ASN.mmdb}
//	llm: {sanctioned: [Azure OpenAI]}
//	dns: {floor: 1h, ceiling: 24h}
type fileConfig struct {
	Data      string            `yaml:"data"`
	Inventory string            `yaml:"inventory"`
	Intel     []intel.Feed      `yaml:"intel"`
	Services  string            `yaml:"services"`
	Zones     map[string]string `yaml:"zones"`
	Geo       struct {
		CountryDB string `yaml:"country_db"`
		ASNDB     string `yaml:"asn_db"`
	} `yaml:"geo"`
	LLM    llm.Configuration    `yaml:"llm"`
	Hunt   hunt.Configuration   `yaml:"hunt"`
	Agent  agent.Configuration  `yaml:"agent"`
	Notify notify.Configuration `yaml:"notify"`
	// Quarantine: the workflow's timing and the enforcers; a webhook hands the
	// quarantine to a SOAR.
	Quarantine quarantineConfig `yaml:"quarantine"`
	DNS        struct {
		Floor    time.Duration `yaml:"floor"`
		Ceiling  time.Duration `yaml:"ceiling"`
		MaxPerIP int           `yaml:"max_per_ip"`
	} `yaml:"dns"`
}

// readConfig reads path strictly: an unknown key is an error with its line.
func readConfig(path string) (*fileConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	var c fileConfig
	if err := yaml.NewDecoder(bytes.NewReader(b), yaml.Strict()).Decode(&c); err != nil {
		return nil, fmt.Errorf("--config %s: %s", path, yaml.FormatError(err, false, true))
	}
	return &c, nil
}

// enrichConfig merges the config file (if any) and the flags.
func (g *globals) enrichConfig() enrich.Configuration {
	var cfg enrich.Configuration
	if g.file != nil {
		f := g.file
		cfg = enrich.Configuration{Inventory: f.Inventory, Intel: f.Intel, Services: f.Services,
			Zones: zones.Configuration{Paths: f.Zones}, Geo: geo.Configuration{CountryDB: f.Geo.CountryDB, ASNDB: f.Geo.ASNDB},
			LLM: f.LLM, DNS: dns.Configuration{Floor: f.DNS.Floor, Ceiling: f.DNS.Ceiling, MaxPerIP: f.DNS.MaxPerIP}}
	}
	if g.inventory != "" {
		cfg.Inventory = g.inventory
	}
	for _, path := range g.intel {
		cfg.Intel = append(cfg.Intel, intel.Feed{Name: feedName(path), Path: path})
	}
	cfg.LLM.Sanctioned = append(cfg.LLM.Sanctioned, g.sanctioned...)
	return cfg
}
