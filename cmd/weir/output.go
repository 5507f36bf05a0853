package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/weirhq/weir/store/duckdb"
)

// tableFields are the columns `--output table` shows of a flow; json and csv show all.
var tableFields = []string{"start", "src.ip", "src.port", "dst.ip", "dst.port", "proto", "service", "action",
	"bytes", "packets", "src.workload", "src.zone", "dst.workload", "dst.zone", "dst.country", "dst.domain",
	"dst.threat", "llm.provider"}

func writeRows(w io.Writer, output string, rows []duckdb.Row) error {
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
		cw.Write(duckdb.FieldNames)
		for _, r := range rows {
			rec := make([]string, len(duckdb.FieldNames))
			for i, f := range duckdb.FieldNames {
				rec[i] = cell(r[f])
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "table", "":
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(tableFields, "\t")))
		for _, r := range rows {
			cells := make([]string, len(tableFields))
			for i, f := range tableFields {
				cells[i] = cell(r[f])
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		return tw.Flush()
	}
	return fmt.Errorf("--output %q: want table, json or csv", output)
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.Format(time.RFC3339)
	case string:
		return x
	}
	return fmt.Sprint(v)
}
