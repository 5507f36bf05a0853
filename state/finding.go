package state

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/weirhq/weir/detect"
)

// Finding is a detector's finding as the analysts' queue holds it: what the
// latest hunt saw, merged with what earlier hunts saw, and where the analysts
// have taken it.
type Finding struct {
	detect.Finding
	Status   string    `json:"status"`
	StatusAt time.Time `json:"status_at"` // when the status last changed
	StatusBy string    `json:"status_by"` // who changed it ("hunt" when a hunt opened or reopened it)
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	Hunts    int       `json:"hunts"`              // how many hunts reported it
	Comments []Comment `json:"comments,omitempty"` // filled by Get, not by List
}

// Comment is an analyst's note on a finding.
type Comment struct {
	ID        int64     `json:"id"`
	FindingID string    `json:"finding_id"`
	Author    string    `json:"author"`
	Time      time.Time `json:"time"`
	Text      string    `json:"text"`
}

// severityRank orders severities; 0 is not a severity.
func severityRank(s string) int {
	switch s {
	case detect.Low:
		return 1
	case detect.Medium:
		return 2
	case detect.High:
		return 3
	case detect.Critical:
		return 4
	}
	return 0
}

var severities = []string{"", detect.Low, detect.Medium, detect.High, detect.Critical}

// ValidStatus reports whether s is a status.
func ValidStatus(s string) bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// ValidSeverity reports whether s is a severity.
func ValidSeverity(s string) bool { return severityRank(s) > 0 }

// findingColumns is what every read of a finding selects, in scanFinding's order.
// JSON columns are read as text: the driver would otherwise decode them into maps.
const findingColumns = `id, key, detector, title, CAST(tactics AS VARCHAR), CAST(techniques AS VARCHAR), severity,
	score, first_seen, last_seen, CAST(entities AS VARCHAR), CAST(evidence AS VARCHAR), summary, status, status_at,
	status_by, created, updated, hunts`

type scanner interface{ Scan(dest ...any) error }

func scanFinding(row scanner) (Finding, error) {
	var f Finding
	var tactics, techniques, entities, evidence string
	err := row.Scan(&f.ID, &f.Key, &f.Detector, &f.Title, &tactics, &techniques, &f.Severity, &f.Score,
		&f.FirstSeen, &f.LastSeen, &entities, &evidence, &f.Summary, &f.Status, &f.StatusAt, &f.StatusBy,
		&f.Created, &f.Updated, &f.Hunts)
	if err != nil {
		return f, err
	}
	for _, c := range []struct {
		name, text string
		into       any
	}{{"tactics", tactics, &f.Tactics}, {"techniques", techniques, &f.Techniques},
		{"entities", entities, &f.Entities}, {"evidence", evidence, &f.Evidence}} {
		if err := json.Unmarshal([]byte(c.text), c.into); err != nil {
			return f, fmt.Errorf("finding %s: decode %s: %w", f.ID, c.name, err)
		}
	}
	for _, t := range []*time.Time{&f.FirstSeen, &f.LastSeen, &f.StatusAt, &f.Created, &f.Updated} {
		*t = t.UTC()
	}
	return f, nil
}

// encoded is a finding's JSON columns.
type encoded struct{ tactics, techniques, entities, evidence string }

func encode(f *detect.Finding) (encoded, error) {
	var e encoded
	for _, c := range []struct {
		name string
		v    any
		into *string
	}{{"tactics", nonNil(f.Tactics), &e.tactics}, {"techniques", nonNil(f.Techniques), &e.techniques},
		{"entities", f.Entities, &e.entities}, {"evidence", f.Evidence, &e.evidence}} {
		b, err := json.Marshal(c.v)
		if err != nil {
			return e, fmt.Errorf("finding %s: encode %s: %w", f.Key, c.name, err)
		}
		*c.into = string(b)
	}
	return e, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// normalize makes a detector's finding fit the table: a severity from the score
// when it has none weir knows, times in UTC at the database's precision, and
// first_seen no later than last_seen.
func normalize(f *detect.Finding) {
	f.Severity = strings.ToLower(f.Severity)
	if severityRank(f.Severity) == 0 {
		f.Severity = detect.SeverityOf(f.Score)
	}
	f.Score = min(max(f.Score, 0), 100)
	f.FirstSeen, f.LastSeen = dbTime(f.FirstSeen), dbTime(f.LastSeen)
	if f.FirstSeen.IsZero() || f.FirstSeen.After(f.LastSeen) {
		f.FirstSeen = f.LastSeen
	}
}
