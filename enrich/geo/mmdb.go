package geo

import (
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/oschwald/maxminddb-golang/v2"
)

// mmdbSource reads one .mmdb. Records are decoded once per distinct data record
// (many networks share one: a country database has a few hundred) and kept by
// their offset, so the generic decode below runs rarely.
type mmdbSource struct {
	r  *maxminddb.Reader
	mu sync.RWMutex
	by map[uintptr]record
}

// record is the part of an .mmdb record weir reads.
type record struct {
	country string
	asn     uint32
	asName  string
}

// maxRecords bounds the offset cache: a city database has millions of records,
// and past this bound they are decoded on every miss of the address cache.
const maxRecords = 1 << 18

func newMMDBSource(r *maxminddb.Reader) *mmdbSource {
	return &mmdbSource{r: r, by: make(map[uintptr]record)}
}

func openMMDB(path string) (*mmdbSource, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geo: open %s: %w", path, err)
	}
	return newMMDBSource(r), nil
}

func (m *mmdbSource) lookup(ip netip.Addr) record {
	res := m.r.Lookup(ip)
	if res.Err() != nil || !res.Found() {
		return record{}
	}
	off := res.Offset()
	m.mu.RLock()
	rec, ok := m.by[off]
	m.mu.RUnlock()
	if ok {
		return rec
	}
	var v map[string]any
	if err := res.Decode(&v); err != nil {
		// A corrupt record is an unknown address, not a failed flow.
		return record{}
	}
	rec = parseRecord(v)
	m.mu.Lock()
	if len(m.by) < maxRecords {
		m.by[off] = rec
	}
	m.mu.Unlock()
	return rec
}

// parseRecord reads the country and AS from the record shapes in use:
//
//	MaxMind GeoLite2, DB-IP:   country.iso_code, registered_country.iso_code,
//	                           autonomous_system_number, autonomous_system_organization
//	IPinfo:                    country_code, asn ("AS15169"), as_name
//	ip-location-db:            country_code; autonomous_system_number/organization
func parseRecord(v map[string]any) record {
	var rec record
	if c, ok := v["country"].(map[string]any); ok {
		rec.country, _ = c["iso_code"].(string)
	}
	if rec.country == "" {
		rec.country, _ = v["country_code"].(string)
	}
	if rec.country == "" {
		// Some flat files put the code itself in "country".
		if s, ok := v["country"].(string); ok && len(s) == 2 {
			rec.country = s
		}
	}
	if rec.country == "" {
		if c, ok := v["registered_country"].(map[string]any); ok {
			rec.country, _ = c["iso_code"].(string)
		}
	}
	rec.country = strings.ToUpper(rec.country)

	if n, ok := number(v["autonomous_system_number"]); ok {
		rec.asn = n
		rec.asName, _ = v["autonomous_system_organization"].(string)
	} else if n, ok := number(v["asn"]); ok {
		rec.asn = n
		for _, k := range []string{"as_name", "name", "as_org", "organization"} {
			if s, ok := v[k].(string); ok && s != "" {
				rec.asName = s
				break
			}
		}
	}
	return rec
}

// number reads an AS number stored as any integer type or as "AS15169" text.
func number(v any) (uint32, bool) {
	var n uint64
	switch v := v.(type) {
	case uint64:
		n = v
	case uint32:
		n = uint64(v)
	case uint16:
		n = uint64(v)
	case int:
		if v < 0 {
			return 0, false
		}
		n = uint64(v)
	case *big.Int:
		if !v.IsUint64() {
			return 0, false
		}
		n = v.Uint64()
	case string:
		s := strings.TrimPrefix(strings.TrimPrefix(v, "AS"), "as")
		var err error
		if n, err = strconv.ParseUint(s, 10, 32); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if n == 0 || n > 1<<32-1 {
		return 0, false
	}
	return uint32(n), true
}
