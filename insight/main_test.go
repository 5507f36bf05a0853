package insight

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/weirhq/weir/internal/estate"
)

// est is one simulated estate shared by the package's tests: simulating and
// ingesting it is most of their time.
var est *estate.Estate

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "weir-insight-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	est, err = estate.Build(context.Background(), dir, estate.Config{Hours: 24, Seed: 7, Sanctioned: []string{"Azure OpenAI"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer est.Store.Close()
	return m.Run()
}
