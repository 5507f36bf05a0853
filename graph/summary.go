package graph

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/weirhq/weir/store/duckdb"
)

// ResourceSummary is the resource page of one workload: what the inventory says
// of it and four small tables over Now = [Until−Window, Until), each row with the
// same figures for Prev, the window before.
type ResourceSummary struct {
	Workload    string            `json:"workload"`
	InInventory bool              `json:"in_inventory"`
	Kind        string            `json:"kind,omitempty"`
	Cloud       string            `json:"cloud,omitempty"`
	Account     string            `json:"account,omitempty"`
	Region      string            `json:"region,omitempty"`
	Labels      map[string]string `json:"labels"`
	IPs         []string          `json:"ips"`
	From        time.Time         `json:"from"` // Now starts here; Prev ends here
	Until       time.Time         `json:"until"`

	// RiskyByRole: its traffic over services of risk medium or high, by the role
	// of the other end and the service; Direction "to" when it is the source.
	RiskyByRole []RoleRow `json:"risky_by_role"`
	// MaliciousIPs: its traffic with addresses a threat feed lists.
	MaliciousIPs []MaliciousRow `json:"malicious_ips"`
	// RiskyServices: the services of risk medium or high it uses or serves.
	RiskyServices []ServiceRow `json:"risky_services"`
	// ExternalTransfers: what it sends out of the estate, by destination country
	// and category, ranked by bytes.
	ExternalTransfers []TransferRow `json:"external_transfers"`
	Queries           int           `json:"queries"`
}

// Measures are a row's figures for Now and Prev.
type Measures struct {
	FlowsNow  uint64 `json:"flows_now"`
	FlowsPrev uint64 `json:"flows_prev"`
	BytesNow  uint64 `json:"bytes_now"`
	BytesPrev uint64 `json:"bytes_prev"`
}

// RoleRow is a row of RiskyByRole.
type RoleRow struct {
	Role      string `json:"role"` // empty for an end without a role
	Direction string `json:"direction"`
	Service   string `json:"service"`
	Measures
}

// MaliciousRow is a row of MaliciousIPs.
type MaliciousRow struct {
	IP        string `json:"ip"`
	Direction string `json:"direction"` // inbound: the listed address is the source
	Feeds     string `json:"feeds"`
	Country   string `json:"country,omitempty"`
	Service   string `json:"service"`
	Action    string `json:"action"`
	Measures
}

// ServiceRow is a row of RiskyServices.
type ServiceRow struct {
	Service string `json:"service"`
	Proto   string `json:"proto"`
	Port    uint16 `json:"port"`
	Risk    string `json:"risk"`
	Measures
}

// TransferRow is a row of ExternalTransfers.
type TransferRow struct {
	Country  string `json:"country"`
	Category string `json:"category"`
	Measures
	BytesPerFlow uint64 `json:"bytes_per_flow"` // Now
}

// Summary is the resource page of one workload, in six aggregate queries. p.Limit
// bounds each table (default 10); p.Depth is not used. A workload that neither the
// inventory nor the flows of Now and Prev name is ErrUnknownWorkload.
func (m *Maps) Summary(ctx context.Context, workload string, p Params) (*ResourceSummary, error) {
	p.Depth = 1 // not used here
	p, err := m.withDefaults(p)
	if err != nil {
		return nil, err
	}
	if err := checkFilter(p.Q); err != nil {
		return nil, err
	}
	split := p.Until.Add(-p.Window)
	s := &ResourceSummary{Workload: workload, From: split, Until: p.Until, Labels: map[string]string{}, IPs: []string{},
		RiskyByRole: []RoleRow{}, MaliciousIPs: []MaliciousRow{}, RiskyServices: []ServiceRow{}, ExternalTransfers: []TransferRow{}}
	if m.deps.Workloads != nil {
		if w := m.deps.Workloads.ByName(workload); w != nil {
			s.InInventory = true
			s.Kind, s.Cloud, s.Account, s.Region = w.Kind, w.Cloud, w.Account, w.Region
			if len(w.Labels) > 0 {
				s.Labels = maps.Clone(w.Labels)
			}
			for _, a := range w.IPs {
				s.IPs = append(s.IPs, a.Unmap().String())
			}
		}
	}
	if !s.InInventory {
		if err := m.known(ctx, workload, split.Add(-p.Window), p.Until, nil); err != nil {
			return nil, err
		}
		s.Queries++
	}
	w := strconv.Quote(workload)
	ask := func(filter string, by []string, order string) ([]duckdb.Row, error) {
		c, err := compile(and(filter, p.Q))
		if err != nil {
			return nil, err
		}
		rows, _, err := m.deps.Flows.Aggregate(ctx, duckdb.AggregateQuery{From: split.Add(-p.Window), Until: p.Until,
			Split: split, Where: c.Where, Args: c.Args, Columns: c.Columns, By: by, OrderBy: order, Limit: p.Limit})
		s.Queries++
		if err != nil {
			return nil, fmt.Errorf("resource %s: %w", workload, err)
		}
		return rows, nil
	}

	for _, side := range []struct{ self, peer, direction string }{{"src", "dst", "to"}, {"dst", "src", "from"}} {
		rows, err := ask(side.self+".workload = "+w+" and service.risk >= medium", []string{side.peer + ".role", "service"}, "")
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			s.RiskyByRole = append(s.RiskyByRole, RoleRow{Role: text(r, side.peer+".role"), Direction: side.direction,
				Service: text(r, "service"), Measures: compared(r)})
		}
	}
	s.RiskyByRole = top(s.RiskyByRole, p.Limit, func(r RoleRow) Measures { return r.Measures })

	for _, side := range []struct{ self, peer, direction string }{{"src", "dst", "outbound"}, {"dst", "src", "inbound"}} {
		rows, err := ask(side.self+".workload = "+w+" and "+side.peer+".threat = any",
			[]string{side.peer + ".ip", side.peer + ".threat", side.peer + ".country", "service", "action"}, "")
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			s.MaliciousIPs = append(s.MaliciousIPs, MaliciousRow{IP: address(text(r, side.peer+".ip")), Direction: side.direction,
				Feeds: text(r, side.peer+".threat"), Country: text(r, side.peer+".country"), Service: text(r, "service"),
				Action: text(r, "action"), Measures: compared(r)})
		}
	}
	s.MaliciousIPs = top(s.MaliciousIPs, p.Limit, func(r MaliciousRow) Measures { return r.Measures })

	rows, err := ask("workload = "+w+" and service.risk >= medium and answer = false", []string{"service", "proto", "service.port", "service.risk"}, "")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		ms := compared(r)
		if ms.FlowsNow+ms.FlowsPrev == 0 {
			continue // answers alone: their destination port is the client's, not the service's
		}
		port, _ := r["service.port"].(uint16)
		s.RiskyServices = append(s.RiskyServices, ServiceRow{Service: text(r, "service"), Proto: text(r, "proto"), Port: port,
			Risk: text(r, "service.risk"), Measures: ms})
	}

	rows, err = ask("src.workload = "+w+" and direction = outbound", []string{"dst.country", "dst.category"}, "bytes")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		t := TransferRow{Country: text(r, "dst.country"), Category: text(r, "dst.category"), Measures: compared(r)}
		if t.FlowsNow > 0 {
			t.BytesPerFlow = t.BytesNow / t.FlowsNow
		}
		s.ExternalTransfers = append(s.ExternalTransfers, t)
	}
	return s, nil
}

func compared(r duckdb.Row) Measures {
	return Measures{FlowsNow: number(r, "flows_now"), FlowsPrev: number(r, "flows_prev"),
		BytesNow: number(r, "bytes_now"), BytesPrev: number(r, "bytes_prev")}
}

// top merges two ranked halves (each end's rows) into one ranking, as the store
// ranks: Now's flows, then Prev's, then bytes.
func top[T any](rows []T, limit int, ms func(T) Measures) []T {
	slices.SortStableFunc(rows, func(a, b T) int {
		x, y := ms(a), ms(b)
		return cmp.Or(cmp.Compare(y.FlowsNow, x.FlowsNow), cmp.Compare(y.FlowsPrev, x.FlowsPrev),
			cmp.Compare(y.BytesNow, x.BytesNow))
	})
	if len(rows) > limit {
		rows = rows[:limit]
	}
	return rows
}
