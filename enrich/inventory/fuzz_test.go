package inventory

import (
	"os"
	"testing"
)

// FuzzParse: any file is loaded or rejected with an error, never a panic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/estate.yaml", "testdata/estate.json", "testdata/estate.csv"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, name[len(name)-4:] == ".csv")
	}
	f.Fuzz(func(t *testing.T, data []byte, csv bool) {
		var fl file
		var err error
		if csv {
			fl, err = parseCSV(data)
		} else {
			fl, err = parseYAML(data)
		}
		if err == nil {
			_, _ = build(fl)
		}
	})
}
