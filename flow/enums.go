package flow

// Well-known IANA protocol numbers.
const (
	ProtoICMP   uint8 = 1
	ProtoTCP    uint8 = 6
	ProtoUDP    uint8 = 17
	ProtoICMPv6 uint8 = 58
)

// ProtoName names a protocol number the way users write it in filters: tcp, udp,
// icmp, icmpv6, or the number itself.
func ProtoName(p uint8) string {
	switch p {
	case ProtoICMP:
		return "icmp"
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	case ProtoICMPv6:
		return "icmpv6"
	case 47:
		return "gre"
	case 50:
		return "esp"
	}
	return itoa(int(p))
}

// ProtoNumber parses a protocol name or number; ok is false for anything else.
func ProtoNumber(s string) (p uint8, ok bool) {
	switch s {
	case "icmp", "ICMP":
		return ProtoICMP, true
	case "tcp", "TCP":
		return ProtoTCP, true
	case "udp", "UDP":
		return ProtoUDP, true
	case "icmpv6", "ICMPv6", "ipv6-icmp":
		return ProtoICMPv6, true
	case "gre", "GRE":
		return 47, true
	case "esp", "ESP":
		return 50, true
	}
	n := 0
	if s == "" || len(s) > 3 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if n > 255 {
		return 0, false
	}
	return uint8(n), true
}

// Action is what the network did with the flow.
type Action uint8

const (
	ActionUnknown Action = iota
	Allow
	Deny
)

func (a Action) String() string {
	switch a {
	case Allow:
		return "allow"
	case Deny:
		return "deny"
	}
	return ""
}

// Direction is seen from the estate: traffic coming in, going out, or staying inside.
type Direction uint8

const (
	DirectionUnknown Direction = iota
	Inbound
	Outbound
	Internal
	External // neither end belongs to the estate (transit seen by a sensor)
)

func (d Direction) String() string {
	switch d {
	case Inbound:
		return "inbound"
	case Outbound:
		return "outbound"
	case Internal:
		return "internal"
	case External:
		return "external"
	}
	return ""
}

// Reporter says which end of a connection the exporter sat at. A connection logged
// at both ends (two AWS ENIs, two Azure NICs, GCP SRC and DEST reports) is counted
// once by keeping the source's report; see DESIGN §2.
type Reporter uint8

const (
	ReporterUnknown Reporter = iota // a sensor in the path (Zeek, NetFlow) or a format that does not say
	ReporterSrc
	ReporterDst
)

func (r Reporter) String() string {
	switch r {
	case ReporterSrc:
		return "src"
	case ReporterDst:
		return "dst"
	}
	return ""
}

// Risk grades a service.
type Risk uint8

const (
	RiskNone Risk = iota
	RiskLow
	RiskMedium
	RiskHigh
)

func (r Risk) String() string {
	switch r {
	case RiskLow:
		return "low"
	case RiskMedium:
		return "medium"
	case RiskHigh:
		return "high"
	}
	return ""
}

// ParseRisk is the inverse of Risk.String.
func ParseRisk(s string) (Risk, bool) {
	switch s {
	case "low":
		return RiskLow, true
	case "medium":
		return RiskMedium, true
	case "high":
		return RiskHigh, true
	case "", "none":
		return RiskNone, true
	}
	return RiskNone, false
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
