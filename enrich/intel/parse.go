package intel

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
)

// Formats a feed can have, as FeedReport.Format names them.
const (
	FormatPlain        = "plain"         // one IP, CIDR or domain a line, # comments
	FormatFireHOL      = "firehol"       // .ipset/.netset: plain with a # header (Category: ...)
	FormatSpamhausDROP = "spamhaus-drop" // "1.10.16.0/20 ; SBL256894"
	FormatSpamhausJSON = "spamhaus-json" // drop_v4.json lines {"cidr":..,"sblid":..,"rir":..}
	FormatFeodoCSV     = "feodo-csv"     // abuse.ch Feodo Tracker ipblocklist.csv
	FormatFeodoJSON    = "feodo-json"    // abuse.ch Feodo Tracker ipblocklist.json
	FormatURLhausCSV   = "urlhaus-csv"   // abuse.ch URLhaus csv dump
	FormatThreatFoxCSV = "threatfox-csv" // abuse.ch ThreatFox csv export
	FormatSTIX         = "stix"          // STIX 2.1 bundle of indicators
	FormatCSV          = "csv"           // CSV IOCs with a header naming a value and a category column
)

// defaults per format: the category and confidence of an entry that carries
// none and whose Feed sets none. Confidence reflects how the list is curated:
// abuse.ch and Spamhaus verify their entries; a plain list may be anything.
var formatDefaults = map[string]struct {
	category   string
	confidence uint8
}{
	FormatPlain:        {"blocklist", 50},
	FormatFireHOL:      {"blocklist", 60},
	FormatSpamhausDROP: {"drop", 90},
	FormatSpamhausJSON: {"drop", 90},
	FormatFeodoCSV:     {"c2", 90},
	FormatFeodoJSON:    {"c2", 90},
	FormatURLhausCSV:   {"malware-distribution", 80},
	FormatThreatFoxCSV: {"c2", 75},
	FormatSTIX:         {"malicious-activity", 50},
	FormatCSV:          {"blocklist", 50},
}

// maxFeedSize bounds what a feed file may hold, so that a wrong path (a disk
// image, a log) fails clearly rather than filling memory.
const maxFeedSize = 512 << 20

type ipEntry struct {
	pfx        netip.Prefix
	category   string
	confidence uint8
}

type domainEntry struct {
	name       string
	category   string
	confidence uint8
}

// parsed is one feed file read into entries, before feeds are merged.
type parsed struct {
	path     string
	format   string
	category string // from the file itself (a FireHOL header)
	ips      []ipEntry
	domains  []domainEntry
	skipped  int
	bad      int
	errors   []string
	cats     map[string]string // interned categories
}

// parse reads one feed's content, detecting its format. It fails only when the
// format cannot be told; bad entries are counted in the result.
func parse(path string, data []byte) (*parsed, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	p := &parsed{path: path, cats: map[string]string{}}
	p.format = detect(path, data)
	switch p.format {
	case FormatSTIX:
		parseSTIX(p, data)
	case FormatFeodoJSON:
		parseFeodoJSON(p, data)
	case FormatSpamhausJSON:
		parseSpamhausJSON(p, data)
	case FormatFeodoCSV, FormatURLhausCSV, FormatThreatFoxCSV:
		parseAbuseCSV(p, data)
	case FormatCSV:
		if err := parseCSV(p, data); err != nil {
			return nil, err
		}
	case FormatPlain, FormatFireHOL, FormatSpamhausDROP:
		parseLines(p, data)
	default:
		return nil, fmt.Errorf("%s: not a threat-intel format weir reads (JSON that is neither a STIX bundle, Feodo Tracker nor Spamhaus DROP)", path)
	}
	return p, nil
}

func (p *parsed) badf(line int, format string, args ...any) {
	p.bad++
	if len(p.errors) < maxErrors {
		p.errors = append(p.errors, fmt.Sprintf("%s:%d: %s", p.path, line, fmt.Sprintf(format, args...)))
	}
}

// badObject is badf for a JSON document, where the position is the index of
// the object (1-based) rather than a line.
func (p *parsed) badObject(index int, format string, args ...any) {
	p.bad++
	if len(p.errors) >= maxErrors {
		return
	}
	if index == 0 { // the document as a whole
		p.errors = append(p.errors, fmt.Sprintf("%s: %s", p.path, fmt.Sprintf(format, args...)))
		return
	}
	p.errors = append(p.errors, fmt.Sprintf("%s: object %d: %s", p.path, index, fmt.Sprintf(format, args...)))
}

func (p *parsed) intern(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := p.cats[s]; ok {
		return v
	}
	if len(p.cats) < 4096 {
		p.cats[s] = s
	}
	return s
}

// add files an IP, CIDR, URL host or domain; what tells them apart is the text.
// It reports false when s is none of them.
func (p *parsed) add(s, category string, confidence uint8) bool {
	s = strings.TrimSpace(s)
	if pfx, ok := parseIP(s); ok {
		p.ips = append(p.ips, ipEntry{pfx, p.intern(category), confidence})
		return true
	}
	if d, ok := cleanDomain(s); ok {
		p.domains = append(p.domains, domainEntry{d, p.intern(category), confidence})
		return true
	}
	return false
}

// parseIP reads an address or a network. Addresses become host prefixes; a
// network with host bits set is masked (feeds write 1.2.3.4/24 for 1.2.3.0/24).
func parseIP(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if pfx.Addr().Is4In6() && pfx.Bits() >= 96 {
			pfx = netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()-96)
		}
		return pfx.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// cleanDomain lower-cases a host name and checks it: labels of letters, digits,
// '-' and '_', at least two of them, a top-level label that is not all digits.
func cleanDomain(s string) (string, bool) {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "*."), ".")
	if len(s) == 0 || len(s) > 253 || strings.IndexByte(s, '.') < 0 {
		return "", false
	}
	upper, label, digits := false, 0, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if label == 0 {
				return "", false
			}
			label, digits = 0, true
			continue
		case c >= 'A' && c <= 'Z':
			upper = true
			digits = false
		case c >= 'a' && c <= 'z', c == '-', c == '_':
			digits = false
		case c >= '0' && c <= '9':
		default:
			return "", false
		}
		label++
		if label > 63 {
			return "", false
		}
	}
	if label == 0 || digits {
		return "", false
	}
	if upper {
		s = strings.ToLower(s)
	}
	return s, true
}

// lines calls fn for each line of data with its 1-based number, without the
// line ending.
func lines(data []byte, fn func(n int, line []byte)) {
	for n := 1; len(data) > 0; n++ {
		i := bytes.IndexByte(data, '\n')
		var line []byte
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i], data[i+1:]
		}
		fn(n, bytes.TrimSuffix(line, []byte{'\r'}))
	}
}
