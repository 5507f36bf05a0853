// Package zeek decodes Zeek logs: conn.log into flow records, and dns.log and ssl.log
// into passive-DNS observations (which IP a name resolved to, which name a TLS
// client asked for at an IP). Both of Zeek's writers are read: the ASCII (TSV)
// writer with its #-headers, and the JSON writer with one object per line, with ts
// as epoch seconds or an ISO 8601 string.
//
// It does not read Zeek's other logs (http, files, x509, ...), and it does not
// decide a flow's direction or count: Zeek is a sensor in the path, so records say
// nothing about which end reported them, and enrichment works out the rest.
package zeek

import "bytes"

// Format names, as given to records (Record.Format) and to Detect's caller.
const (
	FormatConn = "zeek-conn"
	FormatDNS  = "zeek-dns"
	FormatSSL  = "zeek-ssl"
)

// Detect reports which Zeek log head, the first bytes of an input, begins: by the
// #path header of a TSV log, or by the keys of the first JSON object. head may end
// anywhere, even inside the first record.
func Detect(head []byte) (format string, ok bool) {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("#")):
		return detectTSV(head)
	case bytes.HasPrefix(head, []byte("{")):
		return detectJSON(head)
	}
	return "", false
}

// detectTSV finds "#path<sep>conn" among the leading header lines.
func detectTSV(head []byte) (string, bool) {
	for len(head) > 0 && head[0] == '#' {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if rest, ok := bytes.CutPrefix(line, []byte("#path")); ok && len(rest) > 1 {
			return formatOf(rest[1:]) // rest[0] is the separator, whatever it is
		}
	}
	return "", false
}

// detectJSON looks at the keys of the first object. Zeek's JSON writer puts no
// spaces around them; keys are searched with their quotes but without the colon so
// that a re-serialized log still matches.
func detectJSON(head []byte) (string, bool) {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	has := func(key string) bool { return bytes.Contains(head, []byte(`"`+key+`"`)) }
	// json-streaming-logs and some shippers name the log.
	for _, path := range []string{"conn", "dns", "ssl"} {
		if bytes.Contains(head, []byte(`"_path":"`+path+`"`)) {
			return formatOf([]byte(path))
		}
	}
	if !has("id.orig_h") {
		return "", false
	}
	// dns.log also has proto and rtt, so its own keys are tested before conn's.
	switch {
	case has("trans_id") || has("query") || has("qtype_name") || has("rcode"):
		return FormatDNS, true
	case has("server_name") || has("cipher") || has("established") || has("ssl_history"):
		return FormatSSL, true
	case has("conn_state") || has("orig_pkts") || has("orig_bytes") || has("missed_bytes"):
		return FormatConn, true
	}
	return "", false
}

func formatOf(path []byte) (string, bool) {
	switch string(path) {
	case "conn":
		return FormatConn, true
	case "dns":
		return FormatDNS, true
	case "ssl":
		return FormatSSL, true
	}
	return "", false
}
