//go:build !duckdb_arrow

package duckdb

// The store loads flows through DuckDB's Arrow interface, which duckdb-go builds only
// with the duckdb_arrow tag. The Makefile sets it (GOFLAGS=-tags=duckdb_arrow); this
// undefined name makes a build without it fail with a message that says so.
var _ = build_with_tags_duckdb_arrow__see_Makefile
