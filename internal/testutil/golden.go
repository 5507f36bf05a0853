// Package testutil holds helpers shared by weir's tests: golden files, the shared
// format samples, and (later) real database engines started on loopback.
package testutil

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Golden compares got with the file at path, or rewrites the file when the test runs
// with -update.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s (-got, +want):\n%s", path, cmp.Diff(string(got), string(want)))
	}
}

// JSON renders v as indented JSON for a golden file.
func JSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// ModuleRoot is the directory holding go.mod.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// SharedFormats returns ../shared/formats/<sub> beside the checkout, or skips the test
// with a message when it is absent (a user's clone has no ../shared; CI has).
func SharedFormats(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join(ModuleRoot(), "..", "shared", "formats", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("conformance samples not found at %s (they sit beside the checkout in CI): %v", dir, err)
	}
	return dir
}
