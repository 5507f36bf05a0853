package query

import (
	"errors"
	"strings"
	"testing"
)

// errorTests: a filter, where the error points (1-based characters) and what it says.
var errorTests = []struct {
	filter string
	pos    int
	msg    string
}{
	{`service = SMB and dst.rol = db`, 19, "unknown field \"dst.rol\" (did you mean dst.role?)"},
	{`src.zone = "Internal Azure" and foo = 1`, 33, "unknown field \"foo\""},
	{`port = 70000`, 8, "bad value \"70000\" for port: want a port 0–65535"},
	{`dst.port = -1`, 12, "bad value \"-1\" for dst.port: want a port 0–65535"},
	{`src.ip = 10.0.0.256`, 10, "bad value \"10.0.0.256\" for src.ip: want an IP address or CIDR"},
	{`ip = 10.0.0.0/33`, 6, "bad value \"10.0.0.0/33\" for ip: want an IP address or CIDR"},
	{`ip = fe80::1%eth0`, 6, "bad value \"fe80::1%eth0\" for ip: want an IP address or CIDR"},
	{`proto = tcpp`, 9, "bad value \"tcpp\" for proto: unknown protocol (did you mean tcp?)"},
	{`proto = 256`, 9, "bad value \"256\" for proto: want tcp, udp, icmp, icmpv6, gre, esp or a number 0–255"},
	{`action = alow`, 10, "bad value \"alow\" for action: unknown action (did you mean allow?)"},
	{`action = maybe`, 10, "bad value \"maybe\" for action: want allow, accept, deny, reject, unknown"},
	{`direction = sideways`, 13, "bad value \"sideways\" for direction: want inbound, outbound, internal, external, unknown"},
	{`service.risk = severe`, 16, "bad value \"severe\" for service.risk: want none, low, medium, high"},
	{`llm.sanctioned = perhaps`, 18, "bad value \"perhaps\" for llm.sanctioned: want true, false, yes, no"},
	{`(port = 1`, 1, "unclosed \"(\" (missing \")\")"},
	{`((port = 1) or (port = 2)`, 1, "unclosed \"(\" (missing \")\")"},
	{`port = 1)`, 9, "unexpected \")\" without a matching \"(\""},
	{`port = 1 port = 2`, 10, "unexpected \"port\" after a complete condition (missing and/or?)"},
	{`port = 1 and`, 13, "expected a field name, found end of filter"},
	{`port =`, 7, "expected a value for port, found end of filter"},
	{`port`, 5, "expected an operator (= != < <= > >= ~ in) after port, found end of filter"},
	{`port 22`, 6, "expected an operator (= != < <= > >= ~ in) after port, found \"22\""},
	{`= 22`, 1, "expected a field name, found \"=\""},
	{`and port = 1`, 1, "expected a field name, found \"and\""},
	{`port = and`, 8, "expected a value for port, found keyword \"and\" (quote it to use it as a value)"},
	{`port in 22`, 9, "expected \"(\" after in, found \"22\""},
	{`port in (22`, 9, "unclosed \"(\" (missing \")\")"},
	{`port in (22 23)`, 13, "expected \",\" or \")\" in the list, found \"23\""},
	{`port in ()`, 10, "expected a value for port, found \")\""},
	{`port not = 22`, 10, "expected \"in\" after \"not\", found \"=\""},
	{`service = "SMB`, 11, "unterminated string (missing closing quote \")"},
	{`service = 'a\q'`, 13, "unknown escape \"\\q\" in string (use \\\\ \\\" \\' \\n \\r \\t)"},
	{`port ! 22`, 6, "unexpected \"!\" (did you mean !=?)"},
	{`bytes = 1.5XB`, 9, "bad value \"1.5XB\" for bytes: want a whole number of bytes like 1500, 10MB, 1.5GB or 4KiB"},
	{`bytes = 1.0005KB`, 9, "bad value \"1.0005KB\" for bytes: want a whole number of bytes like 1500, 10MB, 1.5GB or 4KiB"},
	{`bytes = 20EB`, 9, "bad value \"20EB\" for bytes: want a whole number of bytes like 1500, 10MB, 1.5GB or 4KiB"},
	{`start = yesterday`, 9, "bad value \"yesterday\" for start: want RFC 3339 (2024-05-01T10:00:00Z), a date or epoch seconds"},
	{`start = 1800-01-01`, 9, "bad value \"1800-01-01\" for start: out of range 1970–2106"},
	{`src.asn = AS99999999999`, 11, "bad value \"AS99999999999\" for src.asn: out of range 0–4294967295"},
	{`src.threat.confidence = 101`, 25, "bad value \"101\" for src.threat.confidence: out of range 0–100"},
	{`flows = 5000000000`, 9, "bad value \"5000000000\" for flows: out of range 0–4294967295"},
	{`ip < 10.0.0.1`, 4, "< does not apply to ip, an IP address (use = != in)"},
	{`bytes ~ 10`, 7, "~ (contains) does not apply to bytes, a byte count (use = != < <= > >= in)"},
	{`threat > a`, 8, "> does not apply to threat, a feed list (use = != in)"},
	{`llm.sanctioned < true`, 16, "< does not apply to llm.sanctioned, a boolean (use = != in)"},
	{`sérvice = x`, 1, "unknown field \"sérvice\" (did you mean service?)"},
	{`service = x and sérvice = y`, 17, "unknown field \"sérvice\" (did you mean service?)"},
	{`src.zone = "é" and x = 1`, 20, "unknown field \"x\""},
	{`not`, 4, "expected a field name, found end of filter"},
	{`()`, 2, "expected a field name, found \")\""},
	{`port = 1 or or port = 2`, 13, "expected a field name, found \"or\""},
	{`src.ip = "not an ip"`, 10, "bad value \"not an ip\" for src.ip: want an IP address or CIDR"},
	{`Service.Risk >= Hi`, 17, "bad value \"Hi\" for service.risk: want none, low, medium, high"},
}

func TestErrors(t *testing.T) {
	for _, tt := range errorTests {
		t.Run(tt.filter, func(t *testing.T) {
			for _, d := range []Dialect{DuckDB, ClickHouse} {
				_, err := Compile(tt.filter, d)
				var qe *Error
				if !errors.As(err, &qe) {
					t.Fatalf("Compile(%q, %s) error = %v, want a *query.Error", tt.filter, d, err)
				}
				if qe.Pos != tt.pos || qe.Msg != tt.msg {
					t.Errorf("Compile(%q, %s) error\n got: position %d: %s\nwant: position %d: %s", tt.filter, d, qe.Pos, qe.Msg, tt.pos, tt.msg)
				}
			}
			if _, err := Parse(tt.filter); err == nil {
				t.Errorf("Parse(%q) succeeded where Compile failed", tt.filter)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	_, err := Parse("service = SMB and dst.rol = db")
	const want = `position 19: unknown field "dst.rol" (did you mean dst.role?)`
	if err == nil || err.Error() != want {
		t.Errorf("Parse() error = %v, want %s", err, want)
	}
}

func TestLongAndDeepFilters(t *testing.T) {
	deep := ""
	for range maxDepth + 1 {
		deep += "("
	}
	for f, want := range map[string]string{deep + "port = 1": "nests", string(make([]byte, maxLen+1)): "longer"} {
		var qe *Error
		if _, err := Parse(f); !errors.As(err, &qe) || !strings.Contains(qe.Msg, want) {
			t.Errorf("Parse(%.20q...) error = %v, want a *query.Error saying %q", f, err, want)
		}
	}
	ok := ""
	for range maxDepth - 1 {
		ok += "not "
	}
	if _, err := Parse(ok + "port = 1"); err != nil {
		t.Errorf("Parse(%d nots) error: %v", maxDepth-1, err)
	}
}
