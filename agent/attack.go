package agent

import (
	"cmp"
	"slices"
)

// tactics names MITRE ATT&CK Enterprise tactics by id (source: attack.mitre.org/tactics/enterprise, v15).
var tactics = map[string]string{
	"TA0043": "Reconnaissance",
	"TA0042": "Resource Development",
	"TA0001": "Initial Access",
	"TA0002": "Execution",
	"TA0003": "Persistence",
	"TA0004": "Privilege Escalation",
	"TA0005": "Defense Evasion",
	"TA0006": "Credential Access",
	"TA0007": "Discovery",
	"TA0008": "Lateral Movement",
	"TA0009": "Collection",
	"TA0011": "Command and Control",
	"TA0010": "Exfiltration",
	"TA0040": "Impact",
}

// TacticName is the ATT&CK name of a tactic id ("TA0010" → "Exfiltration"), or
// "" for an id it does not know.
func TacticName(id string) string { return tactics[id] }

// Tag is a tactic as a summary shows it: "TA0010 Exfiltration", or the bare id
// when the name is unknown.
func Tag(id string) string {
	if name := tactics[id]; name != "" {
		return id + " " + name
	}
	return id
}

// tagsOf lists the tactics of fs as tags, the most frequent first (ties by id),
// so the tag that describes most of a summary leads.
func tagsOf(fs []Tracked) []string {
	count := map[string]int{}
	for i := range fs {
		for _, t := range fs[i].Tactics {
			count[t]++
		}
	}
	ids := make([]string, 0, len(count))
	for id := range count {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	tags := make([]string, len(ids))
	for i, id := range ids {
		tags[i] = Tag(id)
	}
	return tags
}
