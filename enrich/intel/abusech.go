package intel

import (
	"bytes"
	"strings"

	"github.com/valyala/fastjson"
)

// parseAbuseCSV reads abuse.ch's CSV exports. Their header is a comment line
// (`# "first_seen_utc","dst_ip",...`) after a block of '#' lines, and the file
// may end with "# END n entries"; the columns are found by name in that header:
//   - Feodo Tracker ipblocklist.csv: dst_ip, malware (a botnet C2).
//   - URLhaus: url (its host is an IP or a domain), threat.
//   - ThreatFox: ioc_value with ioc_type (ip:port, domain, url; hashes are
//     skipped), threat_type, confidence_level.
func parseAbuseCSV(p *parsed, data []byte) {
	valueCol, typeCol, catCol, confCol := -1, -1, -1, -1
	var fields [][]byte
	lines(data, func(n int, line []byte) {
		s := bytes.TrimSpace(line)
		if len(s) == 0 {
			return
		}
		if s[0] == '#' {
			if valueCol >= 0 {
				return
			}
			h := strings.Split(csvHeaderKey(s[1:]), ",")
			idx := func(name string) int {
				for i, c := range h {
					if c == name {
						return i
					}
				}
				return -1
			}
			switch p.format {
			case FormatFeodoCSV:
				valueCol = idx("dst_ip")
			case FormatURLhausCSV:
				valueCol, catCol = idx("url"), idx("threat")
			case FormatThreatFoxCSV:
				valueCol, typeCol, catCol, confCol = idx("ioc_value"), idx("ioc_type"), idx("threat_type"), idx("confidence_level")
			}
			return
		}
		if valueCol < 0 {
			p.badf(n, "record before the commented csv header")
			return
		}
		fields = splitCSV(s, fields)
		if valueCol >= len(fields) {
			p.badf(n, "%d fields, the value is field %d", len(fields), valueCol+1)
			return
		}
		v := string(fields[valueCol])
		if typeCol >= 0 && typeCol < len(fields) {
			switch string(fields[typeCol]) {
			case "ip:port", "domain", "url", "ip", "hostname":
			default:
				p.skipped++ // md5_hash, sha256_hash...: not a network indicator
				return
			}
		}
		var cat string
		if catCol >= 0 && catCol < len(fields) {
			cat = abuseCategory(string(fields[catCol]))
		}
		var conf uint8
		if confCol >= 0 && confCol < len(fields) && len(fields[confCol]) > 0 {
			c, ok := parseConfidence(fields[confCol])
			if !ok {
				p.badf(n, "confidence_level %q: want 0-100", truncate(string(fields[confCol])))
				return
			}
			conf = c
		}
		if !p.addIOC(v, cat, conf) {
			p.badf(n, "%q is not an IP address, URL or domain", truncate(v))
		}
	})
}

// abuseCategory maps abuse.ch's threat types to weir's categories.
func abuseCategory(t string) string {
	switch t {
	case "botnet_cc":
		return "c2"
	case "payload_delivery", "malware_download":
		return "malware-distribution"
	case "":
		return ""
	}
	return strings.ReplaceAll(t, "_", "-")
}

// parseFeodoJSON reads Feodo Tracker's ipblocklist.json: an array of
// {"ip_address":..,"port":..,"status":..,"malware":..}. Every entry is a C2.
func parseFeodoJSON(p *parsed, data []byte) {
	var jp fastjson.Parser
	v, err := jp.ParseBytes(data)
	if err != nil {
		p.badObject(0, "json: %v", err)
		return
	}
	arr, err := v.Array()
	if err != nil {
		p.badObject(0, "json: want an array of entries: %v", err)
		return
	}
	for i, e := range arr {
		ip := string(e.GetStringBytes("ip_address"))
		if ip == "" || !p.add(ip, "", 0) {
			p.badObject(i+1, "ip_address %q is not an IP address", truncate(ip))
		}
	}
}

// parseSpamhausJSON reads Spamhaus DROP's JSON lines (drop_v4.json,
// drop_v6.json): {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"} a
// line, and a closing {"type":"metadata",...} line.
func parseSpamhausJSON(p *parsed, data []byte) {
	var jp fastjson.Parser
	lines(data, func(n int, line []byte) {
		s := bytes.TrimSpace(line)
		if len(s) == 0 {
			return
		}
		v, err := jp.ParseBytes(s)
		if err != nil {
			p.badf(n, "json: %v", err)
			return
		}
		if string(v.GetStringBytes("type")) == "metadata" {
			return
		}
		cidr := string(v.GetStringBytes("cidr"))
		if cidr == "" {
			p.badf(n, "no cidr")
			return
		}
		if _, ok := parseIP(cidr); !ok || !p.add(cidr, "", 0) {
			p.badf(n, "cidr %q is not a network", truncate(cidr))
		}
	})
}
