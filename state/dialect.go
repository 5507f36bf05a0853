package state

import (
	"strconv"
	"strings"
)

// Dialect is what differs between the SQL engines the state store runs on. The
// statements otherwise keep to what DuckDB and PostgreSQL both accept: sequences
// with nextval, CAST(x AS VARCHAR), LIKE … ESCAPE, LIMIT/OFFSET.
type Dialect struct {
	Name string
	// Placeholder is the n-th (from 1) bind parameter.
	Placeholder func(n int) string
	// Timestamp and JSON are column types; timestamps are written in UTC.
	Timestamp, JSON string
}

// DuckDB is the embedded engine's dialect. Its placeholders are numbered too:
// DuckDB numbers bare ? in an UPDATE … FROM in another order than they are written.
var DuckDB = Dialect{Name: "duckdb", Placeholder: dollar, Timestamp: "TIMESTAMP", JSON: "JSON"}

// PostgreSQL is the scale-out engine's dialect (not wired yet: weir opens only
// DuckDB today).
var PostgreSQL = Dialect{Name: "postgres", Placeholder: dollar, Timestamp: "TIMESTAMPTZ", JSON: "JSONB"}

func dollar(n int) string { return "$" + strconv.Itoa(n) }

// bind rewrites a statement written with ? placeholders into the dialect's.
// Statements carry values only as parameters, so a ? is always a placeholder.
func (d Dialect) bind(q string) string {
	if d.Placeholder(1) == "?" {
		return q
	}
	var b strings.Builder
	n := 0
	for i := range len(q) {
		if q[i] == '?' {
			n++
			b.WriteString(d.Placeholder(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// schema is the state store's tables. Columns holding lists and objects are JSON;
// severity_rank orders severities in SQL.
func (d Dialect) schema() []string {
	ts, js := d.Timestamp, d.JSON
	return []string{
		`CREATE TABLE IF NOT EXISTS findings (
	id VARCHAR PRIMARY KEY,
	key VARCHAR NOT NULL,
	detector VARCHAR NOT NULL,
	title VARCHAR NOT NULL,
	tactics ` + js + ` NOT NULL,
	techniques ` + js + ` NOT NULL,
	severity VARCHAR NOT NULL,
	severity_rank INTEGER NOT NULL,
	score INTEGER NOT NULL,
	first_seen ` + ts + ` NOT NULL,
	last_seen ` + ts + ` NOT NULL,
	entities ` + js + ` NOT NULL,
	evidence ` + js + ` NOT NULL,
	summary VARCHAR NOT NULL,
	status VARCHAR NOT NULL,
	status_at ` + ts + ` NOT NULL,
	status_by VARCHAR NOT NULL,
	created ` + ts + ` NOT NULL,
	updated ` + ts + ` NOT NULL,
	hunts INTEGER NOT NULL)`,
		`CREATE SEQUENCE IF NOT EXISTS finding_comment_ids`,
		`CREATE TABLE IF NOT EXISTS finding_comments (
	id BIGINT PRIMARY KEY DEFAULT nextval('finding_comment_ids'),
	finding_id VARCHAR NOT NULL,
	author VARCHAR NOT NULL,
	created ` + ts + ` NOT NULL,
	body VARCHAR NOT NULL)`,
		`CREATE SEQUENCE IF NOT EXISTS audit_ids`,
		`CREATE TABLE IF NOT EXISTS audit (
	id BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
	created ` + ts + ` NOT NULL,
	actor VARCHAR NOT NULL,
	action VARCHAR NOT NULL,
	target VARCHAR NOT NULL,
	detail VARCHAR NOT NULL)`,
		// Only a token's hash is kept: the token itself is shown once, at creation.
		`CREATE TABLE IF NOT EXISTS api_tokens (
	id VARCHAR PRIMARY KEY,
	name VARCHAR NOT NULL,
	role VARCHAR NOT NULL,
	hash VARCHAR NOT NULL UNIQUE,
	created ` + ts + ` NOT NULL,
	created_by VARCHAR NOT NULL,
	revoked ` + ts + `)`,
	}
}

// likeEscape makes s match literally inside a LIKE pattern (with ESCAPE '\').
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
