package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes holds the document against the served routes: every
// documented operation answers (not 404/405), with and without a token as the
// document says; a path it does not document is not served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ts := newTestServer(t)
	code, body := get(t, ts.URL+"/api/v1/openapi.json", "")
	if code != 200 {
		t.Fatalf("openapi.json: %d", code)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Security   []any `json:"security"`
			Parameters []struct{ Name, In string }
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Paths) < 5 {
		t.Fatalf("only %d paths documented", len(doc.Paths))
	}
	pathParam := regexp.MustCompile(`\{[a-z_]+\}`)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			url := ts.URL + pathParam.ReplaceAllString(path, "x")
			req, _ := http.NewRequest(strings.ToUpper(method), url, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			public := op.Security != nil && len(op.Security) == 0
			if public && resp.StatusCode != 200 {
				t.Errorf("%s %s is documented as public but answers %d without a token", method, path, resp.StatusCode)
			}
			if !public && resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s without a token: %d, want 401", method, path, resp.StatusCode)
			}
			req.Header.Set("Authorization", "Bearer secret")
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotFound && !strings.Contains(path, "{") {
				t.Errorf("%s %s is documented but answers %d", method, path, resp.StatusCode)
			}
		}
	}
	// And the other way: an undocumented path is not served.
	if code, _ := get(t, ts.URL+"/api/v1/nothing-here", "secret"); code != http.StatusNotFound {
		t.Errorf("an undocumented path answers %d", code)
	}
}
