package awsvpc

// field is a VPC Flow Logs field this decoder knows. The order of the constants is
// the order of AWS's "Available fields" table (flow-log-records in the VPC user
// guide), grouped by the version that introduced each field; the headerless layouts
// below depend on it.
type field uint8

const (
	fUnknown field = iota
	// version 2, the default format
	fVersion
	fAccountID
	fInterfaceID
	fSrcAddr
	fDstAddr
	fSrcPort
	fDstPort
	fProtocol
	fPackets
	fBytes
	fStart
	fEnd
	fAction
	fLogStatus
	// version 3
	fVPCID
	fSubnetID
	fInstanceID
	fTCPFlags
	fType
	fPktSrcAddr
	fPktDstAddr
	// version 4
	fRegion
	fAZID
	fSublocationType
	fSublocationID
	// version 5
	fPktSrcAWSService
	fPktDstAWSService
	fFlowDirection
	fTrafficPath
	// version 7
	fECSClusterARN
	fECSClusterName
	fECSContainerInstanceARN
	fECSContainerInstanceID
	fECSContainerID
	fECSSecondContainerID
	fECSServiceName
	fECSTaskDefinitionARN
	fECSTaskARN
	fECSTaskID
	// version 8
	fRejectReason

	numFields
)

var fieldNames = [numFields]string{
	fVersion: "version", fAccountID: "account-id", fInterfaceID: "interface-id",
	fSrcAddr: "srcaddr", fDstAddr: "dstaddr", fSrcPort: "srcport", fDstPort: "dstport",
	fProtocol: "protocol", fPackets: "packets", fBytes: "bytes", fStart: "start", fEnd: "end",
	fAction: "action", fLogStatus: "log-status",
	fVPCID: "vpc-id", fSubnetID: "subnet-id", fInstanceID: "instance-id", fTCPFlags: "tcp-flags",
	fType: "type", fPktSrcAddr: "pkt-srcaddr", fPktDstAddr: "pkt-dstaddr",
	fRegion: "region", fAZID: "az-id", fSublocationType: "sublocation-type", fSublocationID: "sublocation-id",
	fPktSrcAWSService: "pkt-src-aws-service", fPktDstAWSService: "pkt-dst-aws-service",
	fFlowDirection: "flow-direction", fTrafficPath: "traffic-path",
	fECSClusterARN: "ecs-cluster-arn", fECSClusterName: "ecs-cluster-name",
	fECSContainerInstanceARN: "ecs-container-instance-arn", fECSContainerInstanceID: "ecs-container-instance-id",
	fECSContainerID: "ecs-container-id", fECSSecondContainerID: "ecs-second-container-id",
	fECSServiceName: "ecs-service-name", fECSTaskDefinitionARN: "ecs-task-definition-arn",
	fECSTaskARN: "ecs-task-arn", fECSTaskID: "ecs-task-id",
	fRejectReason: "reject-reason",
}

var fieldByName = func() map[string]field {
	m := make(map[string]field, numFields)
	for f := fVersion; f < numFields; f++ {
		m[fieldNames[f]] = f
	}
	return m
}()

// maxColumns bounds the fields of one line: every known field plus room for fields
// AWS adds later. A longer line is rejected without looking further.
const maxColumns = 64

// layout maps the fields of one line format to their columns.
type layout struct {
	n   int             // columns on a line
	col [numFields]int8 // column of each field, -1 when the format lacks it
}

func (l *layout) reset() {
	l.n = 0
	for i := range l.col {
		l.col[i] = -1
	}
}

// headerless holds the formats a line without a header can have, by column count.
// The v2 default (14 fields) is the only format AWS writes without being asked;
// the longer ones are every field of versions 2–3, 2–4, 2–5, 2–7 and 2–8 in table
// order, which is what a custom format "with all fields" gives and what other
// readers of these logs (Elastic's vpcflow pipeline) also assume for headerless
// lines of those lengths.
var headerless = func() map[int]*layout {
	m := make(map[int]*layout)
	for _, last := range []field{fLogStatus, fPktDstAddr, fSublocationID, fTrafficPath, fECSTaskID, fRejectReason} {
		l := new(layout)
		l.reset()
		for f := fVersion; f <= last; f++ {
			l.col[f] = int8(f - fVersion)
		}
		l.n = int(last)
		m[l.n] = l
	}
	return m
}()

// lookupField names a header token. Besides AWS's own spelling it accepts the
// underscore form (account_id, as Athena and Parquet name the columns) and the
// ${field} form of the LogFormat API parameter, since users paste either.
func lookupField(tok []byte, scratch *[64]byte) field {
	if len(tok) > 3 && tok[0] == '$' && tok[1] == '{' && tok[len(tok)-1] == '}' {
		tok = tok[2 : len(tok)-1]
	}
	if len(tok) > len(scratch) {
		return fUnknown
	}
	b := scratch[:len(tok)]
	for i, c := range tok {
		if c == '_' {
			c = '-'
		}
		b[i] = c
	}
	return fieldByName[string(b)]
}

// isName reports whether tok could be a field name: lower-case letters, digits,
// '-' and '_', starting with a letter (or the ${...} form).
func isName(tok []byte) bool {
	if len(tok) > 3 && tok[0] == '$' && tok[1] == '{' && tok[len(tok)-1] == '}' {
		tok = tok[2 : len(tok)-1]
	}
	if len(tok) == 0 || tok[0] < 'a' || tok[0] > 'z' {
		return false
	}
	for _, c := range tok {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// parseHeader fills l from a header line and reports whether the tokens are one.
// A header is all names with at least half of them known: a data line whose values
// happen to look like names (vpc-…, subnet-…, an ECS cluster name) is not mistaken
// for one, and a header with a few fields newer than this decoder still is.
func parseHeader(toks [][]byte, l *layout) bool {
	var scratch [64]byte
	known := 0
	for _, t := range toks {
		if !isName(t) {
			return false
		}
		if lookupField(t, &scratch) != fUnknown {
			known++
		}
	}
	if known == 0 || 2*known < len(toks) {
		return false
	}
	l.reset()
	l.n = len(toks)
	for i, t := range toks {
		if f := lookupField(t, &scratch); f != fUnknown && l.col[f] < 0 {
			l.col[f] = int8(i)
		}
	}
	return true
}
