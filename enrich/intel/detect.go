package intel

import (
	"bytes"
	"path/filepath"
	"strings"
)

// detect tells a feed's format from its content. The extension only decides
// between two names for the same syntax (plain vs FireHOL).
func detect(path string, data []byte) string {
	head := data[:min(len(data), 64<<10)]
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		switch {
		case bytes.Contains(head, []byte(`"bundle"`)) || bytes.Contains(head, []byte(`"indicator"`)):
			return FormatSTIX
		case trimmed[0] == '[' && bytes.Contains(head, []byte(`"ip_address"`)):
			return FormatFeodoJSON
		case trimmed[0] == '{' && bytes.Contains(head, []byte(`"cidr"`)):
			return FormatSpamhausJSON
		case bytes.Equal(bytes.TrimSpace(trimmed), []byte("[]")):
			return FormatFeodoJSON // an empty blocklist
		}
		return ""
	}
	firehol := false
	comments, dataLines := 0, 0
	format := ""
	lines(head, func(n int, line []byte) {
		if format != "" || dataLines > 0 {
			return
		}
		s := bytes.TrimSpace(line)
		if len(s) == 0 {
			return
		}
		if s[0] == '#' || s[0] == ';' {
			comments++
			h := csvHeaderKey(s[1:])
			switch {
			case strings.HasPrefix(h, "first_seen_utc,dst_ip,"):
				format = FormatFeodoCSV
			case strings.HasPrefix(h, "id,dateadded,url,"):
				format = FormatURLhausCSV
			case strings.HasPrefix(h, "first_seen_utc,ioc_id,ioc_value,"):
				format = FormatThreatFoxCSV
			case bytes.Contains(s, []byte("Spamhaus")) && s[0] == ';':
				format = FormatSpamhausDROP
			case bytes.Contains(s, []byte("ipset")) || bytes.Contains(s, []byte("netset")) || bytes.Contains(s, []byte("FireHOL")):
				firehol = true
			}
			return
		}
		dataLines++
		switch {
		case bytes.Contains(s, []byte("; SBL")):
			format = FormatSpamhausDROP
		case bytes.IndexByte(s, ',') >= 0 && csvValueColumn(splitCSV(s, nil)) >= 0:
			format = FormatCSV
		}
	})
	if format != "" {
		return format
	}
	ext := strings.ToLower(filepath.Ext(path))
	if firehol || ext == ".ipset" || ext == ".netset" {
		return FormatFireHOL
	}
	return FormatPlain
}

// csvHeaderKey lower-cases a commented CSV header and drops its quotes and
// spaces: `# "first_seen_utc","dst_ip"` → `first_seen_utc,dst_ip`.
func csvHeaderKey(b []byte) string {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c == '"' || c == ' ' || c == '\t':
		case c >= 'A' && c <= 'Z':
			out = append(out, c+'a'-'A')
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
