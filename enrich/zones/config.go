package zones

import (
	"fmt"
	"sort"
	"strings"
)

// Configuration says where to read each vendor's ranges. Without a path a vendor's
// bundled snapshot (data/, see data/SOURCE.md) is used.
type Configuration struct {
	// Paths maps a vendor — aws, gcp, azure, oci, digitalocean, linode — to a file
	// in that vendor's own published format, plain or gzipped:
	//   aws           ip-ranges.json
	//   gcp           cloud.json
	//   azure         ServiceTags_Public_*.json
	//   oci           public_ip_ranges.json
	//   digitalocean  geofeed CSV (https://digitalocean.com/geo/google.csv)
	//   linode        geofeed CSV (https://geoip.linode.com/)
	Paths map[string]string
}

// DefaultConfiguration uses the bundled snapshot for every vendor.
func DefaultConfiguration() Configuration { return Configuration{} }

func (c Configuration) validate() error {
	for k := range c.Paths {
		if vendorByKey(k) == nil {
			keys := make([]string, 0, len(vendors))
			for _, v := range vendors {
				keys = append(keys, v.key)
			}
			sort.Strings(keys)
			return fmt.Errorf("zones: unknown vendor %q in paths (want one of %s)", k, strings.Join(keys, ", "))
		}
	}
	return nil
}
