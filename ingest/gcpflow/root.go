// Package gcpflow decodes GCP VPC Flow Logs as Cloud Logging writes them: one
// LogEntry JSON object per line (a sink to Cloud Storage, `gcloud logging read
// --format=json` piped through jq -c), or a JSON array of entries (what `gcloud
// logging read --format=json` and some exports write, pretty-printed or not).
//
// It maps each entry's jsonPayload to a flow.Record and says which end reported it
// (reporter SRC or DEST). It does not drop the second report of a connection seen at
// both ends — the pipeline does, keeping the source's — and it does not read other
// Cloud Logging payloads (firewall rules logging, audit logs), which it rejects.
package gcpflow

import "bytes"

// Format is the format name of records from this decoder.
const Format = "gcp-vpc"

// Detect reports whether head, the first bytes of an input, looks like GCP VPC Flow
// Logs: a LogEntry object (or an array of them) whose payload carries the flow
// fields. head may end anywhere, even inside the first entry.
func Detect(head []byte) bool {
	b := skipSpace(head)
	if len(b) > 0 && b[0] == '[' {
		b = skipSpace(b[1:])
	}
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	if !bytes.Contains(b, []byte(`"jsonPayload"`)) {
		return false
	}
	// Firewall rules logs also carry jsonPayload.connection, but never bytes_sent or
	// reporter; logName names vpc_flows, though it may sit past the end of head.
	return bytes.Contains(b, []byte("vpc_flows")) ||
		bytes.Contains(b, []byte(`"bytes_sent"`)) ||
		bytes.Contains(b, []byte(`"reporter"`))
}

// skipSpace drops a UTF-8 byte order mark and leading JSON white space.
func skipSpace(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}
