package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func testFiles() fstest.MapFS {
	return fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>weir</title>")},
		"assets/index-abc.js":  {Data: []byte("console.log(1)")},
		"assets/index-abc.css": {Data: []byte("body{}")},
		"favicon.svg":          {Data: []byte("<svg/>")},
	}
}

func TestHandler(t *testing.T) {
	h := handler(testFiles())
	for _, tc := range []struct {
		name, method, path string
		status             int
		body, cache, ctype string // substrings; "" checks nothing
	}{
		{"root is the page", "GET", "/", 200, "<title>weir", "no-cache", "text/html"},
		{"index.html", "GET", "/index.html", 200, "<title>weir", "no-cache", "text/html"},
		{"a route of the console falls back to the page", "GET", "/insights/risky-services", 200, "<title>weir", "no-cache", "text/html"},
		{"a deep route with a query", "GET", "/query?q=service%3DSMB", 200, "<title>weir", "no-cache", "text/html"},
		{"a hashed asset is cached for long", "GET", "/assets/index-abc.js", 200, "console.log", "immutable", "javascript"},
		{"css", "GET", "/assets/index-abc.css", 200, "body{}", "max-age=31536000", "text/css"},
		{"another file", "GET", "/favicon.svg", 200, "<svg", "no-cache", "svg"},
		{"a missing asset is not the page", "GET", "/assets/gone-123.js", 404, "", "", ""},
		{"a missing file with an extension", "GET", "/robots.txt", 404, "", "", ""},
		{"the API is not swallowed", "GET", "/api/v1/nope", 404, `"error"`, "", "application/json"},
		{"nor its root", "GET", "/api", 404, `"error"`, "", "application/json"},
		{"a dot path cleaned into the API", "GET", "/x/../api/v1/flows", 404, `"error"`, "", "application/json"},
		{"head", "HEAD", "/findings", 200, "", "no-cache", "text/html"},
		{"no writes", "POST", "/", 405, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			resp := rec.Result()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s: status %d, want %d (%s)", tc.method, tc.path, resp.StatusCode, tc.status, body)
			}
			if !strings.Contains(string(body), tc.body) {
				t.Errorf("%s %s: body %q lacks %q", tc.method, tc.path, body, tc.body)
			}
			if got := resp.Header.Get("Cache-Control"); !strings.Contains(got, tc.cache) {
				t.Errorf("%s %s: Cache-Control %q lacks %q", tc.method, tc.path, got, tc.cache)
			}
			if got := resp.Header.Get("Content-Type"); !strings.Contains(got, tc.ctype) {
				t.Errorf("%s %s: Content-Type %q lacks %q", tc.method, tc.path, got, tc.ctype)
			}
		})
	}
}

// TestEmbedded checks the embedded build: dist/index.html is there and served
// at /. Without a build (go test without make) it says so and skips.
func TestEmbedded(t *testing.T) {
	if _, err := fs.Stat(dist, "dist/index.html"); err != nil {
		t.Skip("the console is not built (make build builds it)")
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<html") {
		t.Fatalf("GET /: %d %q", rec.Code, rec.Body.String())
	}
}
