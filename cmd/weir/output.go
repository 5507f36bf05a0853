package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/weirhq/weir/store/duckdb"
)

// tableFields are the columns `--output table` shows of a flow; json and csv show all.
var tableFields = []string{"start", "src.ip", "src.port", "dst.ip", "dst.port", "proto", "service", "action",
	"bytes", "packets", "src.workload", "src.zone", "dst.workload", "dst.zone", "dst.country", "dst.domain",
	"dst.threat", "llm.provider"}

// writeRows writes flows: every field in json and csv, tableFields in a table.
func writeRows(w io.Writer, output string, rows []duckdb.Row) error {
	columns := duckdb.FieldNames
	if output == "table" || output == "" {
		columns = tableFields
	}
	return writeTable(w, output, columns, rows)
}

// writeTable writes rows with the given columns, in any --output format.
func writeTable(w io.Writer, output string, columns []string, rows []duckdb.Row) error {
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []duckdb.Row{}
		}
		return enc.Encode(rows)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(columns)
		rec := make([]string, len(columns))
		for _, r := range rows {
			for i, c := range columns {
				rec[i] = r.Cell(c)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "table", "":
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(columns, "\t")))
		for _, r := range rows {
			cells := make([]string, len(columns))
			for i, c := range columns {
				cells[i] = r.Cell(c)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		return tw.Flush()
	}
	return fmt.Errorf("--output %q: want table, json or csv", output)
}
