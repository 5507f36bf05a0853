// Package geo answers the country and autonomous system of a public address, from
// MaxMind-format (.mmdb) databases and the bundled openly licensed data (see
// data/README.md), and gives country centroids for maps.
//
// It owns reading those databases and a cache of hot addresses. It does not own
// zones or cloud ranges (enrich/zones) nor fetching the data: scripts/fetch-geo.sh
// puts the bundled files in data/ before the build embeds them. A binary built
// without them answers empty Infos and Bundled reports false.
//
// A DB is safe for concurrent use: its tables are read-only after New, and its
// cache is lock-free.
package geo

import (
	"net/netip"
)

// Info is what the databases say about an address. Empty fields are unknown.
type Info struct {
	Country string // ISO 3166-1 alpha-2, upper case
	ASN     uint32
	ASName  string
}

// DB looks addresses up in a country source and an ASN source.
type DB struct {
	country *mmdbSource // nil: no country data
	asnDB   *mmdbSource // user ASN database; nil to use asnTable
	asn     *asnTable   // bundled ASN ranges; nil when absent or replaced
	cache   *cache
}

// New opens the databases cfg names, or the bundled data for those it leaves empty.
// Missing bundled data is not an error: lookups then return what the other source
// knows, or nothing.
func New(cfg Configuration) (*DB, error) {
	db := &DB{cache: newCache(cfg.CacheSize)}
	var err error
	if cfg.CountryDB != "" {
		if db.country, err = openMMDB(cfg.CountryDB); err != nil {
			return nil, err
		}
	} else if db.country, err = bundledCountry(); err != nil {
		return nil, err
	}
	if cfg.ASNDB != "" {
		if db.asnDB, err = openMMDB(cfg.ASNDB); err != nil {
			return nil, err
		}
	} else if db.asn, err = bundledASN(); err != nil {
		return nil, err
	}
	return db, nil
}

// Lookup returns the country and AS of ip. Private, loopback, link-local, shared
// (CGNAT), multicast and unspecified addresses return the zero Info.
func (db *DB) Lookup(ip netip.Addr) Info {
	ip = ip.Unmap()
	if !public(ip) {
		return Info{}
	}
	if info, ok := db.cache.get(ip); ok {
		return info
	}
	info := db.lookup(ip)
	db.cache.put(ip, info)
	return info
}

func (db *DB) lookup(ip netip.Addr) Info {
	var info Info
	if db.country != nil {
		r := db.country.lookup(ip)
		info.Country = r.country
		// Some country databases (IPinfo Lite) carry the AS too.
		info.ASN, info.ASName = r.asn, r.asName
	}
	switch {
	case db.asnDB != nil:
		r := db.asnDB.lookup(ip)
		if r.asn != 0 {
			info.ASN, info.ASName = r.asn, r.asName
		}
		if info.Country == "" {
			info.Country = r.country
		}
	case db.asn != nil && info.ASN == 0:
		if asn, name, ok := db.asn.lookup(ip); ok {
			info.ASN, info.ASName = asn, name
		}
	}
	return info
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// public reports whether ip can have a country: a valid, globally routed unicast
// address.
func public(ip netip.Addr) bool {
	return ip.IsValid() && ip.IsGlobalUnicast() && !ip.IsPrivate() && !cgnat.Contains(ip)
}
