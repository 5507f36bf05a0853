package intel

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// splitCSV splits one CSV line into fields, appending to dst. It handles the
// quoting feeds use ("a","b" and abuse.ch's "a", "b") but not a quoted field
// spanning lines, which no feed here writes; a doubled quote inside a field is
// kept as written. Fields are trimmed of spaces.
func splitCSV(line []byte, dst [][]byte) [][]byte {
	dst = dst[:0]
	for {
		line = bytes.TrimLeft(line, " \t")
		var field []byte
		if len(line) > 0 && line[0] == '"' {
			end := 1
			for end < len(line) {
				if line[end] == '"' {
					if end+1 < len(line) && line[end+1] == '"' {
						end += 2
						continue
					}
					break
				}
				end++
			}
			field = line[1:min(end, len(line))]
			line = line[min(end+1, len(line)):]
			if i := bytes.IndexByte(line, ','); i >= 0 {
				line = line[i:]
			} else {
				line = nil
			}
		} else if i := bytes.IndexByte(line, ','); i >= 0 {
			field, line = line[:i], line[i:]
		} else {
			field, line = line, nil
		}
		dst = append(dst, bytes.TrimSpace(field))
		if len(line) == 0 {
			return dst
		}
		line = line[1:] // the comma
	}
}

// Column names a CSV IOC feed may use, lower case.
var (
	valueColumns      = []string{"value", "indicator", "ioc", "ioc_value", "ip", "ip_address", "ipaddress", "address", "cidr", "network", "domain", "host", "hostname"}
	categoryColumns   = []string{"category", "type_category", "threat_type", "threat", "classification", "tags"}
	confidenceColumns = []string{"confidence", "confidence_level", "score"}
)

func column(header [][]byte, names []string) int {
	for _, name := range names {
		for i, h := range header {
			if strings.EqualFold(string(h), name) {
				return i
			}
		}
	}
	return -1
}

func csvValueColumn(header [][]byte) int { return column(header, valueColumns) }

// parseCSV reads CSV IOCs: a header naming a value column (value, indicator,
// ip...) and a category column, optionally a confidence (0–100) column.
// Comment lines start with '#'.
func parseCSV(p *parsed, data []byte) error {
	var header, fields [][]byte
	valueCol, catCol, confCol := -1, -1, -1
	lines(data, func(n int, line []byte) {
		s := bytes.TrimSpace(line)
		if len(s) == 0 || s[0] == '#' {
			return
		}
		if header == nil {
			header = splitCSV(s, nil)
			valueCol, catCol, confCol = csvValueColumn(header), column(header, categoryColumns), column(header, confidenceColumns)
			return
		}
		fields = splitCSV(s, fields)
		if valueCol >= len(fields) {
			p.badf(n, "%d fields, the value is field %d", len(fields), valueCol+1)
			return
		}
		var cat string
		if catCol >= 0 && catCol < len(fields) {
			cat = string(fields[catCol])
		}
		var conf uint8
		if confCol >= 0 && confCol < len(fields) && len(fields[confCol]) > 0 {
			c, ok := parseConfidence(fields[confCol])
			if !ok {
				p.badf(n, "confidence %q: want 0-100", truncate(string(fields[confCol])))
				return
			}
			conf = c
		}
		v := string(fields[valueCol])
		if v == "" {
			p.badf(n, "empty value")
			return
		}
		if !p.addIOC(v, cat, conf) {
			p.badf(n, "%q is not an IP address, CIDR, URL or domain", truncate(v))
		}
	})
	if valueCol < 0 {
		return fmt.Errorf("%s: csv header names no value column (one of %s)", p.path, strings.Join(valueColumns, ", "))
	}
	return nil
}

// addIOC is add for values that may also be a URL or an ip:port.
func (p *parsed) addIOC(v, category string, confidence uint8) bool {
	if p.add(v, category, confidence) {
		return true
	}
	if host, ok := hostOf(v); ok {
		return p.add(host, category, confidence)
	}
	return false
}

// hostOf takes the host out of a URL (http://1.2.3.4:8080/x) or an ip:port or
// host:port, and of a bracketed IPv6 literal.
func hostOf(v string) (string, bool) {
	if i := strings.Index(v, "://"); i >= 0 {
		v = v[i+3:]
		if j := strings.IndexAny(v, "/?#"); j >= 0 {
			v = v[:j]
		}
		if j := strings.LastIndexByte(v, '@'); j >= 0 {
			v = v[j+1:]
		}
	}
	if strings.HasPrefix(v, "[") {
		if j := strings.IndexByte(v, ']'); j > 0 {
			return v[1:j], true
		}
		return "", false
	}
	if i := strings.LastIndexByte(v, ':'); i > 0 && strings.Count(v, ":") == 1 {
		if _, err := strconv.ParseUint(v[i+1:], 10, 16); err != nil {
			return "", false
		}
		v = v[:i]
	}
	return v, v != ""
}

// parseConfidence reads 0–100, also as a fraction "0.85" some feeds write.
func parseConfidence(b []byte) (uint8, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 0 || f > 100 {
		return 0, false
	}
	if f > 0 && f < 1 && bytes.IndexByte(b, '.') >= 0 {
		f *= 100
	}
	return uint8(f + 0.5), true
}
