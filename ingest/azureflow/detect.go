package azureflow

import "bytes"

// Detect says whether head, the first bytes (up to 64 KiB) of an input, is an Azure
// flow log, and which kind: FormatVNet or FormatNSG. Both the blob form
// {"records":[...]} and the one-record-per-line form are recognised. It looks for
// the keys each kind's records carry, which Azure writes near the start of a record.
func Detect(head []byte) (format string, ok bool) {
	head = bytes.TrimPrefix(head, bom)
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return "", false
	}
	switch {
	case bytes.Contains(head, []byte(`"flowLogVersion"`)) || bytes.Contains(head, []byte(`"flowRecords"`)):
		return FormatVNet, true
	case bytes.Contains(head, []byte(`"NetworkSecurityGroupFlowEvent"`)),
		bytes.Contains(head, []byte(`"properties"`)) && bytes.Contains(head, []byte(`"flowTuples"`)):
		return FormatNSG, true
	}
	return "", false
}
