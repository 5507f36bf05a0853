package zones

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"net/netip"
	"os"
)

//go:embed data/*.gz data/*.json data/*.csv
var bundledFS embed.FS

// vendor is one source of public cloud ranges.
type vendor struct {
	key     string // Configuration.Paths key
	cloud   string // flow.Record.Cloud spelling
	zone    string // the zone name users see
	bundled string // file in data/
	load    func(data []byte, add addFunc) error
}

// addFunc records that prefix p belongs to the vendor, with a region and service
// (either may be empty). specific ranks entries for the same prefix: a vendor file
// often lists a prefix under a catch-all (AWS "AMAZON", Azure "AzureCloud") and
// again under the service that uses it; the more specific entry wins.
type addFunc func(p netip.Prefix, region, service string, specific int)

var vendors = []*vendor{
	{key: "aws", cloud: "aws", zone: "AWS", bundled: "data/aws-ip-ranges.json.gz", load: loadAWS},
	{key: "gcp", cloud: "gcp", zone: "GCP", bundled: "data/gcp-cloud.json.gz", load: loadGCP},
	{key: "azure", cloud: "azure", zone: "Azure", bundled: "data/azure-service-tags-public.json.gz", load: loadAzure},
	{key: "oci", cloud: "oci", zone: "OCI", bundled: "data/oci-public-ip-ranges.json", load: loadOCI},
	{key: "digitalocean", cloud: "digitalocean", zone: "DigitalOcean", bundled: "data/digitalocean-geofeed.csv", load: loadGeofeed},
	{key: "linode", cloud: "linode", zone: "Linode", bundled: "data/linode-geofeed.csv", load: loadGeofeed},
}

func vendorByKey(k string) *vendor {
	for _, v := range vendors {
		if v.key == k {
			return v
		}
	}
	return nil
}

// read returns the vendor's file: the configured path, or the bundled snapshot.
func (v *vendor) read(path string) ([]byte, error) {
	var data []byte
	var err error
	if path == "" {
		data, err = bundledFS.ReadFile(v.bundled)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	return gunzipMaybe(data)
}

// gunzipMaybe inflates gzipped data and passes anything else through, so that
// users can point at either form.
func gunzipMaybe(data []byte) ([]byte, error) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	return out, nil
}
