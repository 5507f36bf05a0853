package duckdb

import "strings"

// schemaVersion is bumped when the DDL changes incompatibly.
const schemaVersion = 6

func ddl() []string {
	var flows strings.Builder
	flows.WriteString("CREATE TABLE IF NOT EXISTS flows (")
	for i, c := range flowColumns {
		if i > 0 {
			flows.WriteString(", ")
		}
		flows.WriteString(c.name + " " + sqlType(c.kind) + " NOT NULL")
	}
	flows.WriteString(")")

	var ep strings.Builder
	ep.WriteString("CREATE TABLE IF NOT EXISTS endpoints (id UINTEGER NOT NULL")
	for _, c := range endpointColumns {
		ep.WriteString(", " + c.name + " " + sqlType(c.kind) + " NOT NULL")
	}
	// role_inferred: role was inferred from traffic (enrich/roles), not given by the inventory.
	ep.WriteString(", role_inferred BOOLEAN NOT NULL DEFAULT false)")
	zeros := strings.Repeat(", 0", len(endpointColumns))
	// Endpoint 0: nothing known of that end.
	ep0 := "INSERT INTO endpoints SELECT 0" + zeros + ", false WHERE NOT EXISTS (SELECT 1 FROM endpoints WHERE id = 0)"

	types := map[string]string{}
	for _, c := range flowColumns {
		types[c.name] = sqlType(c.kind)
	}
	var rollupTables []string
	for _, r := range rollups {
		var b strings.Builder
		b.WriteString("CREATE TABLE IF NOT EXISTS " + r.table + " (ts UINTEGER NOT NULL")
		for _, d := range r.dims {
			b.WriteString(", " + d + " " + types[d] + " NOT NULL")
		}
		for _, m := range rollupMeasures {
			b.WriteString(", " + m + " UBIGINT NOT NULL")
		}
		b.WriteString(", records UBIGINT NOT NULL)")
		rollupTables = append(rollupTables, b.String())
	}

	return []string{
		`CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
		// dict, ips and endpoints have no key constraint: only the writer assigns
		// their ids, from memory, and an index would be rewritten at every
		// checkpoint for nothing. Each domain of text (zone, workload, service ...; the column name without
		// its side) has its own dense code space, so that a column of a few distinct
		// values bit-packs into a few bits.
		`CREATE TABLE IF NOT EXISTS dict (domain VARCHAR NOT NULL, id UINTEGER NOT NULL, s VARCHAR NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ips (id UINTEGER NOT NULL, ip VARCHAR NOT NULL, hi UBIGINT NOT NULL, lo UBIGINT NOT NULL)`,
		ep.String(),
		ep0,
		flows.String(),
		rollupTables[0],
		rollupTables[1],
		// One row per input: how far it was read and what came of it. Updated in the
		// same transaction as the flows it produced, which is what makes a rerun after
		// a crash resume exactly where the last commit ended.
		`CREATE TABLE IF NOT EXISTS inputs (
			path VARCHAR PRIMARY KEY, format VARCHAR NOT NULL, size UBIGINT NOT NULL,
			items UBIGINT NOT NULL, accepted UBIGINT NOT NULL, rejected UBIGINT NOT NULL,
			duplicates UBIGINT NOT NULL, done BOOLEAN NOT NULL, updated TIMESTAMP NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS rejects (
			path VARCHAR NOT NULL, pos UBIGINT NOT NULL, unit VARCHAR NOT NULL, reason VARCHAR NOT NULL, detail VARCHAR NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS dirty_hours (ts UINTEGER PRIMARY KEY)`,
		`CREATE TABLE IF NOT EXISTS dns (ts UINTEGER NOT NULL, ip VARCHAR NOT NULL, domain VARCHAR NOT NULL, ttl UINTEGER NOT NULL, source VARCHAR NOT NULL)`,
	}
}
