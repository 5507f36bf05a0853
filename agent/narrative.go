package agent

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// group is the findings of one detector about one subject (a workload, or an
// IP when no workload is known): one sentence of a narrative.
type group struct {
	subject   string
	detector  string
	title     string // the worst finding's title
	worst     *Tracked
	findings  int
	flows     uint64
	bytes     uint64
	sources   []string
	dests     []string
	workloads []string
	countries []string
	ports     []uint16
	first     time.Time
	last      time.Time
}

// groupsOf groups fs (sorted worst first) by subject and detector, keeping the
// order of each group's worst finding.
func groupsOf(fs []Tracked) []*group {
	var gs []*group
	index := map[string]*group{}
	for i := range fs {
		f := &fs[i]
		subject := firstOf(f.Entities.Workloads, f.Entities.Sources, f.Entities.Destinations)
		key := subject + "\x00" + f.Detector
		g := index[key]
		if g == nil {
			g = &group{subject: subject, detector: f.Detector, title: f.Title, worst: f, first: f.FirstSeen, last: f.LastSeen}
			index[key] = g
			gs = append(gs, g)
		}
		g.findings++
		g.flows += f.Evidence.Flows
		g.bytes += f.Evidence.Bytes
		g.sources = union(g.sources, f.Entities.Sources)
		g.dests = union(g.dests, f.Entities.Destinations)
		g.workloads = union(g.workloads, f.Entities.Workloads)
		g.countries = union(g.countries, f.Evidence.Countries)
		for _, p := range f.Evidence.Ports {
			if !slices.Contains(g.ports, p) {
				g.ports = append(g.ports, p)
			}
		}
		if !f.FirstSeen.IsZero() && (g.first.IsZero() || f.FirstSeen.Before(g.first)) {
			g.first = f.FirstSeen
		}
		if f.LastSeen.After(g.last) {
			g.last = f.LastSeen
		}
	}
	for _, g := range gs {
		slices.Sort(g.countries)
		slices.Sort(g.ports)
	}
	return gs
}

func firstOf(lists ...[]string) string {
	for _, l := range lists {
		for _, s := range l {
			if s != "" {
				return s
			}
		}
	}
	return "an unnamed host"
}

func union(dst, src []string) []string {
	for _, s := range src {
		if s != "" && !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

// phrases say what each detector's findings are, for the start of a sentence.
// An unknown detector's sentence starts with its finding's title.
var phrases = map[string]string{
	"exfiltration":       "Bulk data egress",
	"shadow-llm":         "Unsanctioned AI service use",
	"port-scan":          "Port scanning",
	"brute-force":        "Password brute-forcing",
	"lateral-movement":   "Lateral movement",
	"remote-access-tool": "Remote-access tool traffic",
	"beaconing":          "Beaconing",
	"long-connection":    "Long-lived connections",
	"malicious-ip":       "Traffic with known-malicious IPs",
	"legacy-protocol":    "Legacy cleartext protocol exposure",
}

// prepositions tie a detector's phrase to its subject: the workload a transfer
// leaves from, a login target is attacked on. Unknown detectors: "involving".
var prepositions = map[string]string{
	"exfiltration":       "from",
	"shadow-llm":         "from",
	"port-scan":          "from",
	"lateral-movement":   "from",
	"remote-access-tool": "from",
	"beaconing":          "from",
	"long-connection":    "from",
	"malicious-ip":       "involving",
	"brute-force":        "against",
	"legacy-protocol":    "on",
}

// mostGroups is how many groups the narrative describes, one sentence each: with
// the opening and the closing sentence, a narrative stays within 5 sentences.
const mostGroups = 3

// narrate writes the deterministic narrative of a persona's findings (sorted
// worst first) and the facts it states, which any rewording must keep.
func narrate(persona string, fs []Tracked, comments int, now time.Time) (string, []string) {
	var facts factSet
	if len(fs) == 0 {
		return fmt.Sprintf("No open findings for %s as of %s. Nothing needs attention.", persona, stamp(now, time.Time{})), nil
	}
	gs := groupsOf(fs)
	var b strings.Builder

	// Opening: how many, how bad, over which span.
	first, last := fs[0].FirstSeen, fs[0].LastSeen
	var bySeverity []string
	counts := map[string]int{}
	for i := range fs {
		counts[fs[i].Severity]++
		if !fs[i].FirstSeen.IsZero() && (first.IsZero() || fs[i].FirstSeen.Before(first)) {
			first = fs[i].FirstSeen
		}
		if fs[i].LastSeen.After(last) {
			last = fs[i].LastSeen
		}
	}
	for _, sev := range []string{"critical", "high", "medium", "low"} {
		if n := counts[sev]; n > 0 {
			bySeverity = append(bySeverity, fmt.Sprintf("%d %s", n, sev))
		}
	}
	fmt.Fprintf(&b, "%s for %s (%s)", plural(len(fs), "open finding"), persona, strings.Join(bySeverity, ", "))
	if !first.IsZero() {
		fmt.Fprintf(&b, ", first seen %s, last seen %s", stamp(first, time.Time{}), stamp(last, first))
	}
	b.WriteString(".")

	for _, g := range gs[:min(len(gs), mostGroups)] {
		b.WriteString(" ")
		g.sentence(&b, &facts)
	}

	if rest := len(gs) - mostGroups; rest > 0 {
		n := 0
		for _, g := range gs[mostGroups:] {
			n += g.findings
		}
		verb := "are"
		if n == 1 {
			verb = "is"
		}
		fmt.Fprintf(&b, " %s in %s %s linked below", plural(n, "more finding"), plural(rest, "other group"), verb)
		if comments > 0 {
			fmt.Fprintf(&b, "; analysts left %s", plural(comments, "comment"))
		}
		b.WriteString(".")
	} else if comments > 0 {
		fmt.Fprintf(&b, " Analysts left %s.", plural(comments, "comment"))
	}
	text := b.String()
	facts.numbers(text)
	return text, facts.list
}

// sentence writes g as one sentence, naming its tactic, subject, IPs, volume,
// countries, ports and times, and adds what it names to facts.
func (g *group) sentence(b *strings.Builder, facts *factSet) {
	what := phrases[g.detector]
	if what == "" {
		what = strings.TrimRight(g.title, ". ")
	}
	b.WriteString(what)
	if len(g.worst.Tactics) > 0 {
		fmt.Fprintf(b, " (%s)", Tag(g.worst.Tactics[0]))
	}
	prep := prepositions[g.detector]
	if prep == "" {
		prep = "involving"
	}
	fmt.Fprintf(b, " %s %s", prep, facts.add(g.subject))

	var parts []string
	switch {
	case g.bytes > 0 && len(g.countries) > 0:
		parts = append(parts, fmt.Sprintf("%s to %s (%s)", facts.add(Bytes(g.bytes)), plural(len(g.countries), "country"), facts.names(g.countries, 5)))
	case g.bytes > 0:
		parts = append(parts, facts.add(Bytes(g.bytes)))
	case len(g.countries) > 0:
		parts = append(parts, fmt.Sprintf("%s (%s)", plural(len(g.countries), "country"), facts.names(g.countries, 5)))
	}
	// Who talked to whom: the entities do not say which address is the
	// workload's, so the addresses are named by side, never as the subject's.
	var traffic []string
	if g.flows > 0 {
		traffic = append(traffic, plural(int(g.flows), "flow"))
	}
	if srcs := others(g.sources, g.subject); len(srcs) > 0 {
		traffic = append(traffic, "from "+facts.names(srcs, 3))
	}
	if dsts := others(g.dests, g.subject); len(dsts) > 0 {
		traffic = append(traffic, "to "+facts.names(dsts, 3))
	}
	if len(g.ports) > 0 {
		ports := make([]string, len(g.ports))
		for i, p := range g.ports {
			ports[i] = strconv.Itoa(int(p))
		}
		word := "on port "
		if len(ports) > 1 {
			word = "on ports "
		}
		traffic = append(traffic, word+listOf(ports, 5))
	}
	if len(traffic) > 0 {
		parts = append(parts, strings.Join(traffic, " "))
	}
	if ws := others(g.workloads, g.subject); len(ws) > 0 {
		parts = append(parts, "involving "+facts.names(ws, 3))
	}
	if g.findings > 1 {
		parts = append(parts, plural(g.findings, "finding"))
	}
	if len(parts) > 0 {
		b.WriteString(": " + strings.Join(parts, ", "))
	}
	if !g.first.IsZero() {
		fmt.Fprintf(b, "; first seen %s, last seen %s", stamp(g.first, time.Time{}), stamp(g.last, g.first))
	}
	fmt.Fprintf(b, " (%s, score %d).", g.worst.Severity, g.worst.Score)
}

func others(list []string, not string) []string {
	var out []string
	for _, s := range list {
		if s != not {
			out = append(out, s)
		}
	}
	return out
}

// listOf joins up to most items, "a, b and c", saying how many more there are.
func listOf(items []string, most int) string {
	if len(items) > most {
		return strings.Join(items[:most], ", ") + fmt.Sprintf(" and %d more", len(items)-most)
	}
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// plural is "1 flow", "2 flows", "1,204 flows", "3 countries".
func plural(n int, noun string) string {
	if n != 1 {
		if strings.HasSuffix(noun, "y") {
			noun = noun[:len(noun)-1] + "ies"
		} else {
			noun += "s"
		}
	}
	return thousands(n) + " " + noun
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// stamp writes t in UTC to the minute; when t falls on the same day as ref, the
// time alone.
func stamp(t, ref time.Time) string {
	t = t.UTC()
	if !ref.IsZero() && ref.UTC().Format(time.DateOnly) == t.Format(time.DateOnly) {
		return t.Format("15:04") + " UTC"
	}
	return t.Format("2006-01-02 15:04") + " UTC"
}

// Bytes writes a volume in decimal units: 512 B, 1.5 kB, 15.6 GB, 120 TB.
func Bytes(n uint64) string {
	if n < 1000 {
		return strconv.FormatUint(n, 10) + " B"
	}
	v := float64(n)
	unit := ""
	for _, u := range []string{"kB", "MB", "GB", "TB", "PB", "EB"} {
		v /= 1000
		unit = u
		if v < 999.95 {
			break
		}
	}
	if v >= 99.95 {
		return strconv.FormatFloat(v, 'f', 0, 64) + " " + unit
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + unit
}

// factSet collects what a narrative states, in order, once each.
type factSet struct{ list []string }

func (fs *factSet) add(s string) string {
	if s != "" && !slices.Contains(fs.list, s) {
		fs.list = append(fs.list, s)
	}
	return s
}

// names adds up to most of items and lists them.
func (fs *factSet) names(items []string, most int) string {
	for _, s := range items[:min(len(items), most)] {
		fs.add(s)
	}
	return listOf(items, most)
}

// numbers adds every token of text that holds a digit: counts, times, scores.
func (fs *factSet) numbers(text string) {
	for _, tok := range numericTokens(text) {
		fs.add(tok)
	}
}

// numericTokens are the words of text that hold a digit, without the
// punctuation around them.
func numericTokens(text string) []string {
	var out []string
	for _, w := range strings.Fields(text) {
		w = strings.Trim(w, ",;:().\"'")
		if strings.ContainsAny(w, "0123456789") {
			out = append(out, w)
		}
	}
	return out
}
