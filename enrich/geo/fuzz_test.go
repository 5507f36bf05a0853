package geo

import (
	"os"
	"strings"
	"testing"
)

// FuzzASNCSV: any input is read or rejected with an error, never a panic.
func FuzzASNCSV(f *testing.F) {
	seed, err := os.ReadFile("testdata/asn.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add("::,ffff::,1,\"x\"\"\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		_ = newASNTable().readCSV(strings.NewReader(s))
	})
}
