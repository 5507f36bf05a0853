package query

import (
	"math"
	"math/big"
)

// Dialect is the SQL engine a filter compiles for: its placeholder style and the
// functions that differ between engines. Use the values DuckDB, ClickHouse and
// PostgreSQL; the zero Dialect is not usable.
type Dialect struct {
	name     string
	numbered bool   // placeholders $1, $2, … rather than ?
	true_    string // a condition that always holds
	lower    string // the function that lower-cases UTF-8 text
	// Format strings over (text expression, placeholder).
	containsFold string // case-insensitive substring test
	listHas      string // membership in a comma-separated list
	// bigUnsigned: the driver takes uint64 above 2^63−1 only as *big.Int
	// (database/sql's default conversion refuses them and duckdb-go defers to it).
	bigUnsigned bool
}

// The dialects weir's stores speak.
var (
	DuckDB = Dialect{
		name: "duckdb", true_: "TRUE", lower: "lower",
		containsFold: "contains(lower(%[1]s), lower(%[2]s))",
		listHas:      "list_contains(string_split(%[1]s, ','), %[2]s)",
		bigUnsigned:  true,
	}
	// ClickHouse works back to 18.16: positionCaseInsensitiveUTF8, lowerUTF8,
	// splitByChar and has all predate it.
	ClickHouse = Dialect{
		name: "clickhouse", true_: "1", lower: "lowerUTF8",
		containsFold: "positionCaseInsensitiveUTF8(%[1]s, %[2]s) > 0",
		listHas:      "has(splitByChar(',', %[1]s), %[2]s)",
	}
	// PostgreSQL has no unsigned types; it is here for state tables that copy
	// the flow schema's names, and to keep the numbered placeholder style honest.
	PostgreSQL = Dialect{
		name: "postgresql", numbered: true, true_: "TRUE", lower: "lower",
		containsFold: "strpos(lower(%[1]s), lower(%[2]s)) > 0",
		listHas:      "%[2]s = ANY(string_to_array(%[1]s, ','))",
	}
)

// String names the dialect.
func (d Dialect) String() string { return d.name }

// unsigned returns n as an argument the dialect's driver accepts.
func (d *Dialect) unsigned(n uint64) any {
	if d.bigUnsigned && n > math.MaxInt64 {
		return new(big.Int).SetUint64(n)
	}
	return n
}
