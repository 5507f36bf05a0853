package services

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"

	"github.com/weirhq/weir/flow"
)

// Entry is one line of a catalog as users write it in YAML:
//
//   - {name: VNC, ports: "5900-5903", proto: tcp, risk: high, category: remote access}
//
// Ports is a port, a range "lo-hi" or a comma-separated list of both; Proto is
// tcp, udp or tcp/udp (default tcp).
type Entry struct {
	Name     string    `yaml:"name"`
	Ports    PortsSpec `yaml:"ports"`
	Proto    string    `yaml:"proto"`
	Risk     string    `yaml:"risk"`
	Category string    `yaml:"category"`
}

// PortsSpec is the text of Entry.Ports. It accepts a YAML number as well as a
// string, since `ports: 22` is what users write for one port.
type PortsSpec string

// UnmarshalYAML takes the scalar's text whether YAML typed it as a number or a string.
func (p *PortsSpec) UnmarshalYAML(b []byte) error {
	s := strings.TrimSpace(string(b))
	s = strings.Trim(s, `"'`)
	*p = PortsSpec(s)
	return nil
}

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
)

// Default is weir's built-in catalog, built on first use and shared.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := New(nil)
		if err != nil {
			// The defaults are a constant checked by TestDefaults.
			panic(fmt.Sprintf("services: built-in catalog: %v", err))
		}
		defaultCatalog = c
	})
	return defaultCatalog
}

// New builds a catalog from the defaults with extra entries laid over them: an
// extra entry replaces whatever the defaults had on its ports.
func New(extra []Entry) (*Catalog, error) {
	c := &Catalog{tcp: new([65536]uint16), udp: new([65536]uint16), services: []Service{{}}}
	for i, e := range defaults {
		if err := c.add(e); err != nil {
			return nil, fmt.Errorf("default entry %d (%s): %w", i, e.Name, err)
		}
	}
	for i, e := range extra {
		if err := c.add(e); err != nil {
			return nil, fmt.Errorf("entry %d (%s): %w", i+1, e.Name, err)
		}
	}
	return c, nil
}

// LoadFile builds a catalog from the defaults and the YAML list of entries in path.
func LoadFile(path string) (*Catalog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read services catalog: %w", err)
	}
	var entries []Entry
	if err := yaml.UnmarshalWithOptions(b, &entries, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("parse services catalog %s: %w", path, err)
	}
	c, err := New(entries)
	if err != nil {
		return nil, fmt.Errorf("services catalog %s: %w", path, err)
	}
	return c, nil
}

func (c *Catalog) add(e Entry) error {
	if e.Name == "" {
		return fmt.Errorf("no name")
	}
	risk, ok := flow.ParseRisk(strings.ToLower(e.Risk))
	if !ok {
		return fmt.Errorf("risk %q: want high, medium, low or none", e.Risk)
	}
	var tcp, udp bool
	switch strings.ToLower(e.Proto) {
	case "", "tcp":
		tcp = true
	case "udp":
		udp = true
	case "tcp/udp", "udp/tcp", "both":
		tcp, udp = true, true
	default:
		return fmt.Errorf("proto %q: want tcp, udp or tcp/udp", e.Proto)
	}
	ranges, err := parsePorts(string(e.Ports))
	if err != nil {
		return err
	}
	if len(c.services) >= 1<<16-2 {
		return fmt.Errorf("too many entries (at most %d)", 1<<16-2)
	}
	for _, t := range []struct {
		on    bool
		proto uint8
		tab   *[65536]uint16
	}{{tcp, flow.ProtoTCP, c.tcp}, {udp, flow.ProtoUDP, c.udp}} {
		if !t.on {
			continue
		}
		idx := uint16(len(c.services))
		c.services = append(c.services, Service{Name: e.Name, Proto: t.proto, Risk: risk, Category: e.Category})
		for _, r := range ranges {
			for p := int(r[0]); p <= int(r[1]); p++ {
				t.tab[p] = idx
			}
		}
	}
	return nil
}

// parsePorts reads "22", "5900-5903" or "20,21,990-991".
func parsePorts(s string) ([][2]uint16, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no ports")
	}
	var out [][2]uint16
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := parsePort(lo)
		if err != nil {
			return nil, fmt.Errorf("ports %q: %w", s, err)
		}
		b := a
		if isRange {
			if b, err = parsePort(hi); err != nil {
				return nil, fmt.Errorf("ports %q: %w", s, err)
			}
		}
		if b < a {
			return nil, fmt.Errorf("ports %q: range %d-%d is backwards", s, a, b)
		}
		out = append(out, [2]uint16{a, b})
	}
	return out, nil
}

func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("port %q: want 1-65535", s)
	}
	return uint16(n), nil
}
