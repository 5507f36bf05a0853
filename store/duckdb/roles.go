package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/weirhq/weir/enrich/roles"
	"github.com/weirhq/weir/flow"
)

// Role inference (package roles decides; the store profiles and records). A role
// is an attribute of the endpoints table, so setting it on an endpoint row
// relabels every stored flow of that endpoint, raw and rolled up, without
// touching a flow row. The Writer keys endpoints by what enrichment gives (no
// role), so the endpoint's later flows keep pointing at the same row and show the
// inferred role too; loadEndpoints keys inferred rows the same way on reopen.

// subjectsCTE names the endpoints that may get a role: those of the estate (a
// workload the inventory knows, or an instance id the logs give) whose role was
// not given, grouped by subject key sk (the workload code, or the negated
// instance code when there is no workload). A workload with any endpoint whose
// role the inventory gave is left out whole: the inventory knows it.
const subjectsCTE = `subj AS (
	SELECT id, sk FROM (
		SELECT id, CASE WHEN workload <> 0 THEN workload::BIGINT ELSE -(instance::BIGINT) END AS sk, role, role_inferred
		FROM endpoints WHERE id <> 0 AND (workload <> 0 OR instance <> 0))
	QUALIFY bool_and(role = 0 OR role_inferred) OVER (PARTITION BY sk))`

// usesQuery profiles each subject on one side of its flows (the side's endpoint
// column ep, the peer's address column peer) per protocol and port, with a
// total row per subject (total = 1). Only conversations count:
//   - denied flows are not service;
//   - rows of no connection (flows = 0: the answers of formats that log each
//     direction) would make every client look like the server of its ephemeral
//     ports;
//   - TCP rows averaging under minTCPBytes a connection are attempts (a SYN
//     answered by a reset or by nothing is 40–180 bytes), and a sweep of the
//     estate on one port would otherwise make every host its server.
func usesQuery(ep, peer string, internet flow.Direction, bytesIn, bytesOut string) string {
	return fmt.Sprintf(`WITH %[1]s,
	g AS (
		SELECT s.sk, GROUPING(f.proto, f.service_port)::INTEGER AS total,
			coalesce(f.proto, 0) AS proto, coalesce(f.service_port, 0) AS port, arg_max(f.service, f.flows) AS svc,
			count(DISTINCT f.%[3]s) AS peers,
			count(DISTINCT f.%[3]s) FILTER (WHERE f.direction = %[4]d) AS internal,
			count(DISTINCT f.%[3]s) FILTER (WHERE f.direction = %[5]d) AS internet,
			sum(f.flows)::UBIGINT AS flows, sum(f.%[6]s)::UBIGINT AS b_in, sum(f.%[7]s)::UBIGINT AS b_out,
			count(DISTINCT f.ts) AS hours
		FROM flows_1h f JOIN subj s ON s.id = f.%[2]s
		WHERE f.ts >= ? AND f.ts < ? AND f.action <> %[8]d AND f.flows > 0
			AND (f.proto <> %[9]d OR f.bytes + f.bytes_rev >= %[10]d * f.flows)
		GROUP BY GROUPING SETS ((s.sk, f.proto, f.service_port), (s.sk)))
	SELECT g.sk, g.total, g.proto, g.port, coalesce(d.s, ''), g.peers, g.internal, g.internet, g.flows, g.b_in, g.b_out, g.hours
	FROM g LEFT JOIN dict d ON d.domain = 'service' AND d.id = g.svc AND g.total = 0
	ORDER BY g.sk, g.total, g.proto, g.port`,
		subjectsCTE, ep, peer, flow.Internal, internet, bytesIn, bytesOut, flow.Deny, flow.ProtoTCP, minTCPBytes)
}

// minTCPBytes is the fewest bytes (both ways, IP headers included) a TCP
// connection that carried anything has: handshake, one request segment, FIN.
const minTCPBytes = 200

var (
	servedQuery = usesQuery("dst_ep", "src_ip", flow.Inbound, "bytes", "bytes_rev")
	usedQuery   = usesQuery("src_ep", "dst_ip", flow.Outbound, "bytes_rev", "bytes")
)

// EndpointProfiles profiles, from the hourly rollup over [from, until) (a zero
// until means no end), every workload of the estate whose role the inventory did
// not give, including those whose role an earlier inference set. Hours not yet
// rolled up are not seen: call it after Rollup.
func (s *Store) EndpointProfiles(ctx context.Context, from, until time.Time) ([]roles.Profile, error) {
	hi := uint32(1<<32 - 1)
	if !until.IsZero() {
		hi = epoch(until)
	}
	lo := epoch(from)
	subjects, err := s.db.QueryContext(ctx, `WITH `+subjectsCTE+`
		SELECT s.sk, s.id, coalesce(w.s, i.s, ''), coalesce(k.s, '')
		FROM subj s JOIN endpoints e ON e.id = s.id
		LEFT JOIN dict w ON w.domain = 'workload' AND w.id = e.workload AND e.workload <> 0
		LEFT JOIN dict i ON i.domain = 'instance' AND i.id = e.instance AND e.instance <> 0
		LEFT JOIN dict k ON k.domain = 'kind' AND k.id = e.kind AND e.kind <> 0
		ORDER BY s.sk, s.id`)
	if err != nil {
		return nil, fmt.Errorf("profile endpoints: %w", err)
	}
	defer subjects.Close()
	var out []roles.Profile
	index := map[int64]int{}
	for subjects.Next() {
		var sk int64
		var id uint32
		var key, kind string
		if err := subjects.Scan(&sk, &id, &key, &kind); err != nil {
			return nil, fmt.Errorf("profile endpoints: %w", err)
		}
		i, ok := index[sk]
		if !ok {
			i = len(out)
			index[sk] = i
			out = append(out, roles.Profile{Key: key, Categories: map[string]uint64{}})
		}
		p := &out[i]
		p.Endpoints = append(p.Endpoints, id)
		if p.Kind == "" {
			p.Kind = kind
		}
	}
	if err := subjects.Err(); err != nil {
		return nil, fmt.Errorf("profile endpoints: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}

	var hours int
	if err := s.db.QueryRowContext(ctx, `SELECT count(DISTINCT ts) FROM flows_1h WHERE ts >= ? AND ts < ?`, lo, hi).Scan(&hours); err != nil {
		return nil, fmt.Errorf("profile endpoints: %w", err)
	}
	for i := range out {
		out[i].Hours = hours
	}
	if err := s.scanUses(ctx, servedQuery, lo, hi, out, index, true); err != nil {
		return nil, err
	}
	if err := s.scanUses(ctx, usedQuery, lo, hi, out, index, false); err != nil {
		return nil, err
	}

	cats, err := s.db.QueryContext(ctx, `WITH `+subjectsCTE+`
		SELECT s.sk, coalesce(d.s, ''), sum(f.flows)::UBIGINT
		FROM flows_1h f JOIN subj s ON s.id = f.src_ep
		LEFT JOIN dict d ON d.domain = 'category' AND d.id = f.category
		WHERE f.ts >= ? AND f.ts < ? AND f.action <> ? AND f.flows > 0
		GROUP BY ALL`, lo, hi, uint8(flow.Deny))
	if err != nil {
		return nil, fmt.Errorf("profile endpoints by category: %w", err)
	}
	defer cats.Close()
	for cats.Next() {
		var sk int64
		var cat string
		var n uint64
		if err := cats.Scan(&sk, &cat, &n); err != nil {
			return nil, fmt.Errorf("profile endpoints by category: %w", err)
		}
		if i, ok := index[sk]; ok {
			out[i].Categories[cat] += n
		}
	}
	return out, cats.Err()
}

// scanUses reads usesQuery's rows into the profiles, as served (the subject is
// the destination) or used.
func (s *Store) scanUses(ctx context.Context, query string, lo, hi uint32, out []roles.Profile, index map[int64]int, served bool) error {
	what := map[bool]string{true: "served", false: "used"}[served]
	rows, err := s.db.QueryContext(ctx, query, lo, hi)
	if err != nil {
		return fmt.Errorf("profile endpoints (%s): %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var sk, peers, internal, internet, hours int64
		var total int32
		var u roles.Use
		if err := rows.Scan(&sk, &total, &u.Proto, &u.Port, &u.Service, &peers, &internal, &internet,
			&u.Flows, &u.BytesIn, &u.BytesOut, &hours); err != nil {
			return fmt.Errorf("profile endpoints (%s): %w", what, err)
		}
		i, ok := index[sk]
		if !ok {
			continue
		}
		p := &out[i]
		if total != 0 {
			if served {
				p.Clients, p.InternetClients = int(peers), int(internet)
			} else {
				p.Servers, p.InternalServers, p.InternetServers, p.ActiveHours = int(peers), int(internal), int(internet), int(hours)
			}
			continue
		}
		u.Peers, u.InternalPeers, u.InternetPeers = int(peers), int(internal), int(internet)
		if served {
			p.Served = append(p.Served, u)
		} else {
			p.Used = append(p.Used, u)
		}
	}
	return rows.Err()
}

// SetInferredRoles sets the role of the endpoints given by id and marks it
// inferred, in one transaction; an empty role clears an inferred one. An
// endpoint whose role the inventory gave is left as it is. Role names new to the
// dictionary are added in the same transaction. It must not run while a Writer
// is appending: the Writer owns the dictionary between commits.
func (s *Store) SetInferredRoles(ctx context.Context, set map[uint32]string) (err error) {
	byRole := map[string][]uint32{}
	for id, r := range set {
		if id != 0 { // endpoint 0 is the end nothing is known of
			byRole[r] = append(byRole[r], id)
		}
	}
	if len(byRole) == 0 {
		return nil
	}
	names := make([]string, 0, len(byRole))
	for r := range byRole {
		names = append(names, r)
	}
	slices.Sort(names)

	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("set inferred roles: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("set inferred roles: begin: %w", err)
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	codes, learn, err := s.addCodes(ctx, conn, "role", names)
	if err != nil {
		return fmt.Errorf("set inferred roles: %w", err)
	}
	for _, r := range names {
		ids := byRole[r]
		slices.Sort(ids)
		for start := 0; start < len(ids); start += 500 {
			chunk := ids[start:min(start+500, len(ids))]
			args := []any{codes[r], r != ""}
			for _, id := range chunk {
				args = append(args, id)
			}
			q := "UPDATE endpoints SET role = ?, role_inferred = ? WHERE id IN (" + placeholders(len(chunk)) +
				") AND (role = 0 OR role_inferred)"
			if _, err := conn.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("set inferred role %q: %w", r, err)
			}
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("set inferred roles: commit: %w", err)
	}
	learn()
	return nil
}

// addCodes returns the codes of strs in domain's dictionary, inserting those it
// lacks through conn (inside the caller's transaction). The in-memory dictionary
// learns them only when the caller calls learn after its commit, so a rollback
// leaves it as the database is. The dictionary must have no entries pending for
// a Writer's batch: their codes are counted from its next free code.
func (s *Store) addCodes(ctx context.Context, conn *sql.Conn, domain string, strs []string) (codes map[string]uint32, learn func(), err error) {
	d := s.dicts[domain]
	if d == nil {
		return nil, nil, fmt.Errorf("no dictionary %q", domain)
	}
	if len(d.pending) > 0 {
		return nil, nil, fmt.Errorf("dictionary %q has %d entries of an uncommitted batch: %s", domain,
			len(d.pending), "commit the Writer's batch first")
	}
	codes = map[string]uint32{}
	var fresh []string
	next := d.next
	for _, str := range strs {
		if id, ok := d.ids[str]; ok {
			codes[str] = id
			continue
		}
		if _, ok := codes[str]; !ok {
			codes[str] = next
			next++
			fresh = append(fresh, str)
		}
	}
	if len(fresh) > 0 {
		err := insertValues(ctx, conn, "INSERT INTO dict (domain, id, s) VALUES ", 3, len(fresh), func(i int, args []any) {
			args[0], args[1], args[2] = domain, codes[fresh[i]], fresh[i]
		})
		if err != nil {
			return nil, nil, fmt.Errorf("add %s codes (%s): %w", domain, strings.Join(fresh, ", "), err)
		}
	}
	return codes, func() {
		for _, str := range fresh {
			d.learn(str, codes[str])
		}
		d.next = next
	}, nil
}
