package zones

import (
	"fmt"
	"net/netip"
	"sync"

	"github.com/gaissmai/bart"
)

// table maps prefixes to an index into infos: many prefixes share one Info, and a
// small integer keeps the trie compact.
type table struct {
	t     bart.Table[uint32]
	infos []Info
}

// builder collects entries before they go into a table, to settle prefixes listed
// more than once.
type builder struct {
	entries map[netip.Prefix]entry
	index   map[Info]uint32
	infos   []Info
}

type entry struct {
	info     uint32
	source   int // which vendor (or inventory pass) added it; the first source keeps a prefix
	specific int
}

func newBuilder() *builder {
	return &builder{entries: make(map[netip.Prefix]entry), index: make(map[Info]uint32)}
}

func (b *builder) intern(info Info) uint32 {
	i, ok := b.index[info]
	if !ok {
		i = uint32(len(b.infos))
		b.infos = append(b.infos, info)
		b.index[info] = i
	}
	return i
}

// add adds p unless an earlier source or a more specific entry has it.
func (b *builder) add(p netip.Prefix, info Info, source, specific int) {
	i := b.intern(info)
	if old, ok := b.entries[p]; ok && (old.source != source || old.specific >= specific) {
		return
	}
	b.entries[p] = entry{info: i, source: source, specific: specific}
}

// set adds p, replacing whatever was there.
func (b *builder) set(p netip.Prefix, info Info) {
	b.entries[p] = entry{info: b.intern(info)}
}

func (b *builder) build() *table {
	t := &table{infos: b.infos}
	for p, e := range b.entries {
		t.t.Insert(p, e.info)
	}
	return t
}

// bundledVendors is the table of the bundled snapshot, built on first use and
// shared: it is read-only once built.
var bundledVendors = sync.OnceValues(func() (*table, error) { return buildVendors(nil) })

// buildVendors loads every vendor from paths[vendor] or its bundled file.
func buildVendors(paths map[string]string) (*table, error) {
	b := newBuilder()
	for source, v := range vendors {
		path := paths[v.key]
		data, err := v.read(path)
		if err != nil {
			return nil, fmt.Errorf("zones: read %s ranges: %w", v.key, err)
		}
		add := func(p netip.Prefix, region, service string, specific int) {
			b.add(p, Info{Zone: v.zone, Cloud: v.cloud, Region: region, Service: service}, source, specific)
		}
		if err := v.load(data, add); err != nil {
			if path == "" {
				path = "bundled " + v.bundled
			}
			return nil, fmt.Errorf("zones: %s ranges %s: %w", v.key, path, err)
		}
	}
	return b.build(), nil
}
