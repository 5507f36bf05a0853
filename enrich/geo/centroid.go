package geo

// CountryCentroid returns the centre point of the country with ISO 3166-1 alpha-2
// code cc (upper case, as Info.Country), for placing it on a map.
func CountryCentroid(cc string) (lat, lon float64, ok bool) {
	c, ok := countryCentroids[cc]
	return c[0], c[1], ok
}
