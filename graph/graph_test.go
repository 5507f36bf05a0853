package graph

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/query"
)

func TestResourceMap(t *testing.T) {
	m, _ := openEstate(t, false)
	level1 := []string{
		"node workload/WS1 depth=0",
		"node external/AWS depth=1",
		"node external/Internet/US depth=1 country=US threat=",
		"node ip/10.0.9.9 depth=1",
		"node ip/45.9.9.9 depth=1 country=RU threat=firehol_level1",
		"node workload/APP1 depth=1",
		"node workload/DC1 depth=1",
		"node workload/FS1 depth=1",
	}
	edges1 := []string{
		"edge ip/45.9.9.9 -> workload/WS1 flows=10 bytes=640 rev=0 allowed=0 denied=10 SSH/tcp[22]",
		"edge workload/WS1 -> external/Internet/US flows=7 bytes=1005000 rev=0 allowed=7 denied=0 HTTPS/tcp[443]",
		"edge workload/WS1 -> workload/DC1 flows=4 bytes=400 rev=0 allowed=0 denied=4 SMB/tcp[445] lateral",
		// FS1's answers (flows 0, to WS1's port 50123) are the edge's bytes_rev, not an edge of their own.
		"edge workload/WS1 -> workload/FS1 flows=3 bytes=3000 rev=7000 allowed=3 denied=0 SMB/tcp[445] lateral",
		"edge workload/WS1 -> workload/APP1 flows=2 bytes=2000 rev=0 allowed=2 denied=0 SMB/tcp[445] lateral",
		"edge workload/WS1 -> external/AWS flows=1 bytes=300 rev=0 allowed=1 denied=0 HTTPS/tcp[443]",
		"edge workload/WS1 -> ip/10.0.9.9 flows=1 bytes=100 rev=0 allowed=1 denied=0 HTTPS/tcp[443]",
	}
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		p       Params
		want    []string
		queries int
	}{
		{"depth 2 (default)", Params{}, join(level1,
			[]string{"node workload/BK1 depth=2", "node workload/DB1 depth=2"},
			edges1[:5],
			[]string{
				"edge workload/DC1 -> workload/BK1 flows=2 bytes=900 rev=0 allowed=2 denied=0 SSH/tcp[22] lateral",
				"edge workload/FS1 -> workload/DB1 flows=1 bytes=50000 rev=0 allowed=1 denied=0 RDP/tcp[3389] lateral",
			},
			edges1[5:],
			[]string{
				// DC1 denied WS1's SMB: neither it nor BK1 behind it is in the blast radius.
				"path workload/WS1 > workload/APP1 via SMB",
				"path workload/WS1 > workload/FS1 via SMB",
				"path workload/WS1 > workload/FS1 > workload/DB1 via SMB,RDP",
				"blast radius APP1,DB1,FS1",
			}), 4},
		{"depth 1", Params{Depth: 1}, join(level1, edges1, []string{
			"path workload/WS1 > workload/APP1 via SMB",
			"path workload/WS1 > workload/FS1 via SMB",
			"blast radius APP1,FS1",
		}), 2},
		{"two neighbours a node, lateral ones first", Params{Depth: 1, Limit: 2}, []string{
			"node workload/WS1 depth=0 hidden=5",
			"node workload/DC1 depth=1",
			"node workload/FS1 depth=1",
			edges1[2], edges1[3],
			"path workload/WS1 > workload/FS1 via SMB",
			"blast radius FS1",
		}, 2},
		{"filtered on a service", Params{Q: "service = RDP or service = SMB"}, []string{
			"node workload/WS1 depth=0",
			"node workload/APP1 depth=1",
			"node workload/DC1 depth=1",
			"node workload/FS1 depth=1",
			"node workload/DB1 depth=2",
			edges1[2], edges1[3], edges1[4],
			"edge workload/FS1 -> workload/DB1 flows=1 bytes=50000 rev=0 allowed=1 denied=0 RDP/tcp[3389] lateral",
			"path workload/WS1 > workload/APP1 via SMB",
			"path workload/WS1 > workload/FS1 via SMB",
			"path workload/WS1 > workload/FS1 > workload/DB1 via SMB,RDP",
			"blast radius APP1,DB1,FS1",
		}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.Resource(context.Background(), "WS1", tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(describe(got), tc.want); diff != "" {
				t.Errorf("Resource() (-got, +want):\n%s", diff)
			}
			if got.Queries != tc.queries || got.Truncated {
				t.Errorf("Resource() took %d queries (truncated %v), want %d", got.Queries, got.Truncated, tc.queries)
			}
			if !got.Until.Equal(until) || !got.From.Equal(until.Add(-24*time.Hour)) {
				t.Errorf("Resource() window [%s, %s), want the day before %s", got.From, got.Until, until)
			}
		})
	}
}

func TestResourceMapNodesCarryTheInventory(t *testing.T) {
	m, _ := openEstate(t, false)
	got, err := m.Resource(context.Background(), "WS1", Params{Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := Node{ID: "workload/WS1", Type: NodeWorkload, Label: "WS1", Kind: "Virtual Machine", Cloud: "azure", Region: "eastus",
		IP: "10.0.1.10", Labels: map[string]string{"role": "user", "app": "desktop", "env": "prod"}}
	if diff := cmp.Diff(got.Nodes[0], want); diff != "" {
		t.Errorf("root node (-got, +want):\n%s", diff)
	}
}

// The rollup and the raw flows give the same map.
func TestResourceMapFromTheRollup(t *testing.T) {
	raw, _ := openEstate(t, false)
	rolled, _ := openEstate(t, true)
	a, err := raw.Resource(context.Background(), "WS1", Params{Depth: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := rolled.Resource(context.Background(), "WS1", Params{Depth: 3})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("raw and rolled-up maps differ (-raw, +rollup):\n%s", diff)
	}
}

func TestResourceMapOfAQuietWorkload(t *testing.T) {
	m, _ := openEstate(t, false)
	got, err := m.Resource(context.Background(), "IDLE1", Params{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(describe(got), []string{"node workload/IDLE1 depth=0", "blast radius "}); diff != "" {
		t.Errorf("Resource(IDLE1) (-got, +want):\n%s", diff)
	}
}

func TestCommunications(t *testing.T) {
	m, _ := openEstate(t, false)
	got, err := m.Communications(context.Background(), "role", Params{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"node external/AWS depth=-1",
		"node external/Internet depth=-1",
		"node role/Unknown depth=-1",
		"node role/app depth=-1",
		"node role/backup depth=-1",
		"node role/db depth=-1",
		"node role/dc depth=-1",
		"node role/fs depth=-1",
		"node role/user depth=-1",
		"edge external/Internet -> role/user flows=10 bytes=640 rev=0 allowed=0 denied=10 SSH/tcp[22]",
		"edge role/user -> external/Internet flows=7 bytes=1005000 rev=0 allowed=7 denied=0 HTTPS/tcp[443]",
		"edge role/user -> role/dc flows=4 bytes=400 rev=0 allowed=0 denied=4 SMB/tcp[445] lateral",
		"edge role/user -> role/fs flows=3 bytes=3000 rev=7000 allowed=3 denied=0 SMB/tcp[445] lateral",
		"edge role/user -> role/app flows=2 bytes=2000 rev=0 allowed=2 denied=0 SMB/tcp[445] lateral",
		"edge role/dc -> role/backup flows=2 bytes=900 rev=0 allowed=2 denied=0 SSH/tcp[22] lateral",
		"edge role/fs -> role/db flows=1 bytes=50000 rev=0 allowed=1 denied=0 RDP/tcp[3389] lateral",
		"edge role/user -> external/AWS flows=1 bytes=300 rev=0 allowed=1 denied=0 HTTPS/tcp[443]",
		"edge role/user -> role/Unknown flows=1 bytes=100 rev=0 allowed=1 denied=0 HTTPS/tcp[443]",
		"blast radius ",
	}
	if diff := cmp.Diff(describe(got), want); diff != "" {
		t.Errorf("Communications(role) (-got, +want):\n%s", diff)
	}

	got, err = m.Communications(context.Background(), "zone", Params{Limit: 1, Q: "direction = internal"})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"node zone/Internal Azure depth=-1",
		"edge zone/Internal Azure -> zone/Internal Azure flows=13 bytes=56400 rev=7000 allowed=9 denied=4 SMB/tcp[445] SSH/tcp[22] RDP/tcp[3389] HTTPS/tcp[443] lateral",
		"blast radius ",
	}
	if diff := cmp.Diff(describe(got), want); diff != "" {
		t.Errorf("Communications(zone) (-got, +want):\n%s", diff)
	}
}

func TestSummary(t *testing.T) {
	m, _ := openEstate(t, false)
	got, err := m.Summary(context.Background(), "WS1", Params{})
	if err != nil {
		t.Fatal(err)
	}
	want := &ResourceSummary{
		Workload: "WS1", InInventory: true, Kind: "Virtual Machine", Cloud: "azure", Account: "sub-1", Region: "eastus",
		Labels: map[string]string{"role": "user", "app": "desktop", "env": "prod"}, IPs: []string{"10.0.1.10"},
		From: until.Add(-24 * time.Hour), Until: until,
		RiskyByRole: []RoleRow{
			{Role: "", Direction: "from", Service: "SSH", Measures: Measures{FlowsNow: 10, BytesNow: 640}},
			{Role: "dc", Direction: "to", Service: "SMB", Measures: Measures{FlowsNow: 4, BytesNow: 400}},
			{Role: "fs", Direction: "to", Service: "SMB", Measures: Measures{FlowsNow: 3, FlowsPrev: 1, BytesNow: 3000, BytesPrev: 500}},
			{Role: "app", Direction: "to", Service: "SMB", Measures: Measures{FlowsNow: 2, BytesNow: 2000}},
			{Role: "fs", Direction: "from", Service: "SMB", Measures: Measures{BytesNow: 7000}},
		},
		MaliciousIPs: []MaliciousRow{{IP: "45.9.9.9", Direction: "inbound", Feeds: "firehol_level1", Country: "RU",
			Service: "SSH", Action: "deny", Measures: Measures{FlowsNow: 10, BytesNow: 640}}},
		RiskyServices: []ServiceRow{
			{Service: "SSH", Proto: "tcp", Port: 22, Risk: "medium", Measures: Measures{FlowsNow: 10, BytesNow: 640}},
			{Service: "SMB", Proto: "tcp", Port: 445, Risk: "high", Measures: Measures{FlowsNow: 9, FlowsPrev: 1, BytesNow: 5400, BytesPrev: 500}},
		},
		ExternalTransfers: []TransferRow{
			{Country: "US", Category: "internet", Measures: Measures{FlowsNow: 7, BytesNow: 1_005_000}, BytesPerFlow: 143571},
			{Country: "US", Category: "cloud", Measures: Measures{FlowsNow: 1, BytesNow: 300}, BytesPerFlow: 300},
		},
		Queries: 6,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Summary() (-got, +want):\n%s", diff)
	}
}

func TestErrors(t *testing.T) {
	m, _ := openEstate(t, false)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		call func() error
		is   error
	}{
		{"unknown workload", func() error { _, err := m.Resource(ctx, "nope", Params{}); return err }, ErrUnknownWorkload},
		{"unknown workload's summary", func() error { _, err := m.Summary(ctx, "nope", Params{}); return err }, ErrUnknownWorkload},
		{"depth 5", func() error { _, err := m.Resource(ctx, "WS1", Params{Depth: 5}); return err }, ErrInvalid},
		{"limit 101", func() error { _, err := m.Resource(ctx, "WS1", Params{Limit: 101}); return err }, ErrInvalid},
		{"negative window", func() error { _, err := m.Summary(ctx, "WS1", Params{Window: -time.Hour}); return err }, ErrInvalid},
		{"group by country", func() error { _, err := m.Communications(ctx, "country", Params{}); return err }, ErrInvalid},
	} {
		err := tc.call()
		if !errors.Is(err, tc.is) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.is)
		}
	}
	// A bad filter points at the user's text, not at the filter the map wraps it in.
	_, err := m.Resource(ctx, "WS1", Params{Q: "service = SMB and nosuch = 1"})
	var qe *query.Error
	if !errors.As(err, &qe) || qe.Pos != 19 {
		t.Errorf("bad filter: %v, want a query error at position 19", err)
	}
	// A workload name is a value, never filter text.
	if _, err := m.Resource(ctx, `WS1") or (service = SMB`, Params{}); !errors.Is(err, ErrUnknownWorkload) {
		t.Errorf("a name with quotes: %v, want ErrUnknownWorkload", err)
	}
}
