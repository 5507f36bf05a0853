package intel

import (
	"bytes"
	"strings"
)

// parseLines reads the line formats: plain lists, FireHOL ipsets/netsets and
// Spamhaus DROP text. One entry a line, the first word of it; '#' and ';' start
// comments (Spamhaus puts the SBL id after ';'). A FireHOL header line
// "# Category        : attacks" gives the feed's category.
func parseLines(p *parsed, data []byte) {
	inHeader := true
	lines(data, func(n int, line []byte) {
		s := bytes.TrimSpace(line)
		if len(s) == 0 {
			return
		}
		if s[0] == '#' || s[0] == ';' {
			if inHeader && p.format == FormatFireHOL {
				if k, v, ok := bytes.Cut(s[1:], []byte(":")); ok && string(bytes.TrimSpace(k)) == "Category" {
					p.category = p.intern(string(bytes.TrimSpace(v)))
				}
			}
			return
		}
		inHeader = false
		if i := bytes.IndexAny(s, "#;"); i >= 0 {
			s = bytes.TrimSpace(s[:i])
		}
		if i := bytes.IndexAny(s, " \t,"); i >= 0 {
			s = s[:i]
		}
		if len(s) > 512 {
			p.badf(n, "entry of %d bytes", len(s))
			return
		}
		if !p.add(string(s), "", 0) {
			if bytes.IndexByte(s, '-') > 0 && bytes.Count(s, []byte(".")) >= 6 {
				p.badf(n, "address range %q: write it as CIDRs", s)
				return
			}
			p.badf(n, "%q is not an IP address, CIDR or domain", truncate(string(s)))
		}
	})
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
