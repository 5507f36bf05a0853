package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestConsole checks that the console takes what the API does not: GETs outside
// /api/, without a token; the API keeps its paths, its 404s and its 405s.
func TestConsole(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>console</html>")) })
	srv := New(slog.New(slog.DiscardHandler), Configuration{Tokens: []string{"secret"}}, Dependencies{Flows: nilFlows{}, Console: page})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, tc := range []struct {
		method, path, token string
		status              int
		body                string
	}{
		{"GET", "/", "", 200, "console"},
		{"GET", "/insights/risky-services", "", 200, "console"},
		{"GET", "/healthz", "", 200, "ok"},
		{"GET", "/api/v1/stats", "", 401, "authentication required"},
		{"GET", "/api/v1/nope", "secret", 404, `"error"`},
		{"GET", "/api", "", 404, `"error"`},
		{"POST", "/api/v1/fields", "secret", 405, ""},
		{"POST", "/", "", 405, ""},
		{"GET", "/api/v1/openapi.json", "", 200, `"/api/v1/fields"`},
	} {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.body) {
			t.Errorf("%s %s: %d %q; want %d with %q", tc.method, tc.path, resp.StatusCode, b, tc.status, tc.body)
		}
	}
}

// nilFlows is a FlowReader that no test here calls.
type nilFlows struct{ FlowReader }
