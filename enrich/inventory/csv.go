package inventory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The CSV form holds workloads only (networks need the YAML or JSON form). The first
// line is a header naming the columns, in any order, case-insensitive:
//
//	name       required
//	kind, cloud, account, region
//	ips        addresses separated by ';', ',' or spaces
//	instances  ids that logs use for the workload, separated the same way
//	labels     key=value pairs separated by ';' or spaces: "role=db;app=crm"
//	any other  a label named by the column, e.g. role, app, env, loc
//
// Lines starting with '#' are comments. Example:
//
//	name,kind,ips,cloud,account,region,role,app,env
//	CRM-Prod-DB1,Virtual Machine,10.68.1.88,azure,6ce15ab6-...,eastus,db,crm,prod
func parseCSV(data []byte) (file, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err == io.EOF {
		return file{}, errors.New("empty CSV: want a header line starting with name")
	}
	if err != nil {
		return file{}, fmt.Errorf("csv header: %w", err)
	}
	cols := make([]string, len(header))
	hasName := false
	for i, h := range header {
		cols[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		hasName = hasName || cols[i] == "name"
	}
	if !hasName {
		return file{}, fmt.Errorf("csv header %q has no name column", strings.Join(header, ","))
	}

	var f file
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return file{}, fmt.Errorf("csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		var w rawWorkload
		for i, v := range rec {
			v = strings.TrimSpace(v)
			switch cols[i] {
			case "name":
				w.Name = v
			case "kind":
				w.Kind = v
			case "ips", "ip":
				w.IPs = splitList(v)
			case "cloud":
				w.Cloud = v
			case "account":
				w.Account = v
			case "region":
				w.Region = v
			case "instances", "instance":
				w.Instances = splitList(v)
			case "labels":
				for _, kv := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ' ' }) {
					k, val, ok := strings.Cut(kv, "=")
					if !ok || strings.TrimSpace(k) == "" {
						return file{}, fmt.Errorf("line %d: labels: %q is not key=value", line, kv)
					}
					setLabel(&w, strings.TrimSpace(k), strings.TrimSpace(val))
				}
			case "":
			default:
				if v != "" {
					setLabel(&w, cols[i], v)
				}
			}
		}
		f.workloads = append(f.workloads, w)
		lines = append(lines, line)
	}
	f.locate = func(_ string, i int, _ string, _ int) string {
		return fmt.Sprintf("line %d", lines[i])
	}
	return f, nil
}

func setLabel(w *rawWorkload, k, v string) {
	if w.Labels == nil {
		w.Labels = make(map[string]scalar, 4)
	}
	w.Labels[k] = scalar(v)
}
