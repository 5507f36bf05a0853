package geo

import (
	"compress/gzip"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/oschwald/maxminddb-golang/v2"
)

// The whole directory is embedded so that the package compiles when only
// data/README.md is there (a clone that has not run scripts/fetch-geo.sh).
//
//go:embed data
var dataFS embed.FS

const (
	bundledCountryFile = "data/geo-whois-asn-country.mmdb"
	bundledASN4File    = "data/asn-ipv4.csv.gz"
	bundledASN6File    = "data/asn-ipv6.csv.gz"
)

// Bundled reports whether this binary carries the bundled country and ASN data.
func Bundled() bool {
	for _, f := range []string{bundledCountryFile, bundledASN4File, bundledASN6File} {
		if _, err := fs.Stat(dataFS, f); err != nil {
			return false
		}
	}
	return true
}

// bundledCountry opens the embedded country database once; nil when absent.
var bundledCountry = sync.OnceValues(func() (*mmdbSource, error) {
	data, err := dataFS.ReadFile(bundledCountryFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("geo: read bundled %s: %w", bundledCountryFile, err)
	}
	r, err := maxminddb.OpenBytes(data)
	if err != nil {
		return nil, fmt.Errorf("geo: open bundled %s: %w", bundledCountryFile, err)
	}
	return newMMDBSource(r), nil
})

// bundledASN builds the embedded ASN table once, on first use, and shares it;
// nil when the files are absent.
var bundledASN = sync.OnceValues(loadBundledASN)

func loadBundledASN() (*asnTable, error) {
	t := newASNTable()
	found := false
	for _, name := range []string{bundledASN4File, bundledASN6File} {
		f, err := dataFS.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("geo: open bundled %s: %w", name, err)
		}
		err = readGzipCSV(t, f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("geo: bundled %s: %w", name, err)
		}
		found = true
	}
	if !found {
		return nil, nil
	}
	t.doneBuilding()
	return t, nil
}

func readGzipCSV(t *asnTable, r io.Reader) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return err
	}
	return t.readCSV(zr)
}
