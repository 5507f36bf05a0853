package state

import (
	"strconv"
	"strings"
	"time"
)

// FindingColumns are the columns of findings as a table (CSV from the API,
// `weir findings`).
var FindingColumns = []string{"id", "severity", "score", "status", "detector", "title", "tactics", "first_seen",
	"last_seen", "sources", "destinations", "workloads", "flows", "bytes"}

// Row is the finding's cells under FindingColumns.
func (f *Finding) Row() []string {
	return []string{f.ID, f.Severity, strconv.Itoa(f.Score), f.Status, f.Detector, f.Title, strings.Join(f.Tactics, " "),
		f.FirstSeen.Format(time.RFC3339), f.LastSeen.Format(time.RFC3339), strings.Join(f.Entities.Sources, " "),
		strings.Join(f.Entities.Destinations, " "), strings.Join(f.Entities.Workloads, " "),
		strconv.FormatUint(f.Evidence.Flows, 10), strconv.FormatUint(f.Evidence.Bytes, 10)}
}
