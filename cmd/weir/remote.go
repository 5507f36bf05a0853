package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/weirhq/weir/store/duckdb"
)

// remoteRows asks a running weir (--server) for rows: an embedded database has one
// writer, so while `weir serve` or `weir demo` holds it, read commands go through
// the API. key is the JSON field holding the rows ("flows" or "rows"), or empty
// when the answer is one object.
func (g *globals) remoteRows(ctx context.Context, path string, params url.Values, key string) ([]duckdb.Row, error) {
	rows, _, err := g.remote(ctx, path, params, key)
	return rows, err
}

// remote is remoteRows that also returns the answer's "columns", when it has them.
func (g *globals) remote(ctx context.Context, path string, params url.Values, key string) ([]duckdb.Row, []string, error) {
	u := strings.TrimSuffix(g.server, "/") + path + "?" + params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("--server: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+g.bearer())
	client := &http.Client{Timeout: 2 * time.Minute}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber() // byte counts print as numbers, not 1.5e+09
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		return nil, nil, fmt.Errorf("%s: %s: not a weir API answer: %w", g.server, resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("%s: %v", g.server, body["error"])
	}
	var columns []string
	if cs, ok := body["columns"].([]any); ok {
		for _, c := range cs {
			if name, ok := c.(string); ok {
				columns = append(columns, name)
			}
		}
	}
	if key == "" { // the answer is one object
		return []duckdb.Row{duckdb.Row(body)}, nil, nil
	}
	list, _ := body[key].([]any)
	rows := make([]duckdb.Row, 0, len(list))
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			rows = append(rows, duckdb.Row(m))
		}
	}
	return rows, columns, nil
}

// bearer is the token requests to --server carry: --token, else $WEIR_TOKEN.
func (g *globals) bearer() string {
	if g.token != "" {
		return g.token
	}
	return os.Getenv("WEIR_TOKEN")
}
