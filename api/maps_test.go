package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/graph"
	"github.com/weirhq/weir/query"
)

// fakeMaps answers from canned values and records the parameters it got.
type fakeMaps struct {
	got   graph.Params
	group string
	err   error
}

func (f *fakeMaps) Resource(ctx context.Context, workload string, p graph.Params) (*graph.Map, error) {
	f.got = p
	if f.err != nil {
		return nil, f.err
	}
	return &graph.Map{Nodes: []graph.Node{{ID: "workload/" + workload, Type: graph.NodeWorkload, Label: workload}},
		Edges: []graph.Edge{}, Paths: []graph.Path{}, BlastRadius: []string{}}, nil
}

func (f *fakeMaps) Communications(ctx context.Context, group string, p graph.Params) (*graph.Map, error) {
	f.got, f.group = p, group
	return &graph.Map{}, f.err
}

func (f *fakeMaps) Summary(ctx context.Context, workload string, p graph.Params) (*graph.ResourceSummary, error) {
	f.got = p
	if f.err != nil {
		return nil, f.err
	}
	return &graph.ResourceSummary{Workload: workload}, nil
}

func TestMaps(t *testing.T) {
	base := time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)
	fm := &fakeMaps{}
	srv := New(slog.New(slog.DiscardHandler), Configuration{Tokens: []string{"secret"}, Now: func() time.Time { return base }},
		Dependencies{Maps: fm})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	for _, tc := range []struct {
		name     string
		url      string
		err      error
		code     int
		contains string
		want     graph.Params
		group    string
	}{
		{name: "resource map", url: "/api/v1/maps/resource/CRM-Prod-DB1?depth=3&limit=20&window=1h&q=service+%3D+SMB", code: 200,
			contains: `"id":"workload/CRM-Prod-DB1"`,
			want:     graph.Params{Window: time.Hour, Until: base, Depth: 3, Limit: 20, Q: "service = SMB"}},
		{name: "defaults left to graph", url: "/api/v1/maps/resource/WS1", code: 200, want: graph.Params{Window: 24 * time.Hour, Until: base}},
		{name: "depth out of range", url: "/api/v1/maps/resource/WS1?depth=5", code: 400, contains: "want a number from 1 to 4"},
		{name: "limit not a number", url: "/api/v1/maps/resource/WS1?limit=x", code: 400, contains: "want a number from 1 to 100"},
		{name: "bad window", url: "/api/v1/maps/resource/WS1?window=forever", code: 400, contains: "window"},
		{name: "unknown workload", url: "/api/v1/maps/resource/nope", err: fmt.Errorf("workload %q: %w", "nope", graph.ErrUnknownWorkload),
			code: 404, contains: "unknown workload"},
		{name: "bad filter", url: "/api/v1/maps/resource/WS1?q=nosuch+%3D+1", err: fmt.Errorf("q: %w", &query.Error{Pos: 1, Msg: "unknown field"}),
			code: 400, contains: `"position":1`},
		{name: "communications by app", url: "/api/v1/maps/communications?group=app", code: 200, group: "app",
			want: graph.Params{Window: 24 * time.Hour, Until: base}},
		{name: "communications by role by default", url: "/api/v1/maps/communications", code: 200, group: "role",
			want: graph.Params{Window: 24 * time.Hour, Until: base}},
		{name: "communications by a bad group", url: "/api/v1/maps/communications?group=country",
			err: fmt.Errorf("group: %w", graph.ErrInvalid), code: 400, contains: "invalid parameter"},
		{name: "resource page", url: "/api/v1/resources/WS1?limit=5", code: 200, contains: `"workload":"WS1"`,
			want: graph.Params{Window: 24 * time.Hour, Until: base, Limit: 5}},
		{name: "resource page, depth is not its parameter", url: "/api/v1/resources/WS1?depth=9", code: 200,
			want: graph.Params{Window: 24 * time.Hour, Until: base}},
		{name: "a failing store", url: "/api/v1/resources/WS1", err: fmt.Errorf("disk on fire"), code: 500, contains: "map failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			*fm = fakeMaps{err: tc.err}
			code, body := get(t, ts.URL+tc.url, "secret")
			if code != tc.code || !strings.Contains(body, tc.contains) {
				t.Fatalf("%s: %d %s, want %d with %q", tc.url, code, body, tc.code, tc.contains)
			}
			if code == 200 {
				if !json.Valid([]byte(body)) {
					t.Errorf("not JSON: %s", body)
				}
				if fm.got != tc.want || fm.group != tc.group {
					t.Errorf("graph got %+v (group %q), want %+v (group %q)", fm.got, fm.group, tc.want, tc.group)
				}
			}
		})
	}
}

func TestMapsWithoutAGraph(t *testing.T) {
	srv := New(slog.New(slog.DiscardHandler), Configuration{Tokens: []string{"secret"}}, Dependencies{})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	if code, _ := get(t, ts.URL+"/api/v1/maps/resource/WS1", "secret"); code != 503 {
		t.Errorf("no maps: %d, want 503", code)
	}
	if code, _ := get(t, ts.URL+"/api/v1/maps/resource/WS1", ""); code != 401 {
		t.Errorf("no token: %d, want 401", code)
	}
}
