package geo

// Configuration names the databases to read. Empty paths use the bundled data.
type Configuration struct {
	// CountryDB is a .mmdb with countries: GeoLite2-Country or -City, DB-IP
	// country or city lite, IPinfo Lite or country, ip-location-db files.
	CountryDB string
	// ASNDB is a .mmdb with autonomous systems: GeoLite2-ASN, DB-IP ASN lite,
	// IPinfo Lite or ASN. It replaces the bundled ASN ranges.
	ASNDB string
	// CacheSize is how many addresses the hot cache holds, rounded up to a power
	// of two; 0 means 65536, negative disables the cache.
	CacheSize int
}

// DefaultConfiguration uses the bundled data and the default cache.
func DefaultConfiguration() Configuration { return Configuration{} }
