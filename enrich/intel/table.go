package intel

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/gaissmai/bart"

	"github.com/weirhq/weir/flow"
)

// tables is one immutable generation of the merged feeds. Lookups map to an
// index into threats, so that every address of a network, and every network
// listed by the same feeds with the same category and confidence, shares one
// flow.Threat and its strings.
type tables struct {
	ips     bart.Table[uint32]
	domains map[string]uint32
	threats []flow.Threat
	report  LoadReport
}

// agg accumulates what the feeds say about one network or domain.
type agg struct {
	feeds   []uint16 // feed indexes, ascending
	conf    uint8
	cat     string
	catFeed int // feed index the category came from; lower wins
	hasCat  bool
}

func (a *agg) add(feed int, cat string, conf uint8) {
	if i, found := slices.BinarySearch(a.feeds, uint16(feed)); !found {
		a.feeds = slices.Insert(a.feeds, i, uint16(feed))
	}
	a.conf = max(a.conf, conf)
	if cat != "" && (!a.hasCat || feed < a.catFeed) {
		a.cat, a.catFeed, a.hasCat = cat, feed, true
	}
}

func (a *agg) merge(b *agg) {
	for _, f := range b.feeds {
		if i, found := slices.BinarySearch(a.feeds, f); !found {
			a.feeds = slices.Insert(a.feeds, i, f)
		}
	}
	a.conf = max(a.conf, b.conf)
	if b.hasCat && (!a.hasCat || b.catFeed < a.catFeed) {
		a.cat, a.catFeed, a.hasCat = b.cat, b.catFeed, true
	}
}

func (a *agg) clone() *agg {
	c := *a
	c.feeds = slices.Clone(a.feeds)
	return &c
}

// build merges the parsed feeds into tables. An address gets the union of every
// listed network holding it, not only the most specific: bart answers the
// longest match, so each network's entry is merged here with those of all its
// supernets.
func build(feeds []Feed, parsed []*parsed) *tables {
	t := &tables{domains: map[string]uint32{}}
	own := map[netip.Prefix]*agg{}
	ownDomains := map[string]*agg{}
	for fi, p := range parsed {
		f := feeds[fi]
		def := formatDefaults[p.format]
		resolve := func(cat string, conf uint8) (string, uint8) {
			if cat == "" {
				cat = f.Category
			}
			if cat == "" {
				cat = p.category
			}
			if cat == "" {
				cat = def.category
			}
			if conf == 0 {
				conf = f.Confidence
			}
			if conf == 0 {
				conf = def.confidence
			}
			return cat, conf
		}
		for _, e := range p.ips {
			a := own[e.pfx]
			if a == nil {
				a = &agg{}
				own[e.pfx] = a
			}
			cat, conf := resolve(e.category, e.confidence)
			a.add(fi, cat, conf)
		}
		for _, e := range p.domains {
			a := ownDomains[e.name]
			if a == nil {
				a = &agg{}
				ownDomains[e.name] = a
			}
			cat, conf := resolve(e.category, e.confidence)
			a.add(fi, cat, conf)
		}
		t.report.Feeds = append(t.report.Feeds, FeedReport{
			Name: f.Name, Path: f.Path, Format: p.format, IPs: len(p.ips), Domains: len(p.domains),
			Skipped: p.skipped, Bad: p.bad, Errors: p.errors,
		})
	}

	in := newInterner(feeds)
	var nested bart.Table[*agg]
	for pfx, a := range own {
		nested.Insert(pfx, a)
	}
	for pfx, a := range own {
		m := a
		for sup, s := range nested.Supernets(pfx) {
			if sup == pfx {
				continue
			}
			if m == a {
				m = a.clone()
			}
			m.merge(s)
		}
		t.ips.Insert(pfx, in.threat(m))
	}
	for name, a := range ownDomains {
		m := a
		for j := 0; j < len(name); j++ {
			if name[j] != '.' {
				continue
			}
			if s, ok := ownDomains[name[j+1:]]; ok {
				if m == a {
					m = a.clone()
				}
				m.merge(s)
			}
		}
		t.domains[name] = in.threat(m)
	}
	t.threats = in.threats
	return t
}

// interner gives one index per distinct (feeds, category, confidence), and one
// string per distinct list of feed names.
type interner struct {
	names   []string
	joined  map[string]string
	index   map[string]uint32
	threats []flow.Threat
	key     []byte
}

func newInterner(feeds []Feed) *interner {
	names := make([]string, len(feeds))
	for i, f := range feeds {
		names[i] = f.Name
	}
	return &interner{names: names, joined: map[string]string{}, index: map[string]uint32{}}
}

func (in *interner) threat(a *agg) uint32 {
	k := in.key[:0]
	for _, f := range a.feeds {
		k = strconv.AppendUint(k, uint64(f), 10)
		k = append(k, ',')
	}
	feedsKey := len(k)
	k = append(k, 0)
	k = append(k, a.cat...)
	k = append(k, 0, a.conf)
	in.key = k
	if i, ok := in.index[string(k)]; ok {
		return i
	}
	joined, ok := in.joined[string(k[:feedsKey])]
	if !ok {
		parts := make([]string, len(a.feeds))
		for i, f := range a.feeds {
			parts[i] = in.names[f]
		}
		joined = strings.Join(parts, ",")
		in.joined[string(k[:feedsKey])] = joined
	}
	i := uint32(len(in.threats))
	in.threats = append(in.threats, flow.Threat{Feeds: joined, Category: a.cat, Confidence: a.conf})
	in.index[string(k)] = i
	return i
}
