package notify

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/detect"
)

// Syslog formats.
const (
	FormatRFC5424 = "rfc5424"
	FormatCEF     = "cef"
)

// Syslog sends each finding as one syslog message over UDP (one datagram, RFC
// 5426) or TCP (octet-counting framing, RFC 6587 §3.4.1). The message is RFC
// 5424 with the finding in structured data, or, in the cef format, an RFC 5424
// header whose MSG is an ArcSight CEF:0 event.
type Syslog struct {
	Network     string // udp or tcp
	Addr        string // host:port
	Format      string // rfc5424 (default) or cef
	MinSeverity string
	Facility    int    // 0 means 4 (security/authorization); kern is never weir's
	Hostname    string // "" means "-"
	Version     string // weir's version, for CEF's header; "" means "dev"
	Now         func() time.Time

	conn net.Conn // TCP: kept between messages; redialled after an error
	buf  []byte
}

func (s *Syslog) Name() string            { return "syslog:" + s.Network + ":" + s.Addr }
func (s *Syslog) MinimumSeverity() string { return s.MinSeverity }

func (s *Syslog) Close() error {
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}

// Deliver writes f's message, dialling when there is no connection.
func (s *Syslog) Deliver(ctx context.Context, f *detect.Finding) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	msg := s.Message(f, now())
	if s.conn == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, s.Network, s.Addr)
		if err != nil {
			return fmt.Errorf("syslog dial %s %s: %w", s.Network, s.Addr, err)
		}
		s.conn = c
	}
	if dl, ok := ctx.Deadline(); ok {
		s.conn.SetWriteDeadline(dl)
	}
	s.buf = s.buf[:0]
	if s.Network != "udp" && s.Network != "udp4" && s.Network != "udp6" {
		s.buf = strconv.AppendInt(s.buf, int64(len(msg)), 10)
		s.buf = append(s.buf, ' ')
	}
	s.buf = append(s.buf, msg...)
	if _, err := s.conn.Write(s.buf); err != nil {
		s.Close()
		return fmt.Errorf("syslog write to %s %s: %w", s.Network, s.Addr, err)
	}
	return nil
}

// enterpriseID is the private enterprise number in weir's SD-ID. 32473 is the
// number RFC 5612 sets aside for documentation and examples, used until weir
// has its own.
const enterpriseID = "32473"

// Message is f as one syslog message (without transport framing), stamped at.
func (s *Syslog) Message(f *detect.Finding, at time.Time) string {
	facility := s.Facility
	if facility <= 0 || facility > 23 {
		facility = 4
	}
	host := headerField(s.Hostname, 255)
	var b strings.Builder
	// HEADER: <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID (RFC 5424 §6.2)
	fmt.Fprintf(&b, "<%d>1 %s %s weir - finding ", facility*8+syslogSeverity(f.Severity),
		at.UTC().Format("2006-01-02T15:04:05.000Z07:00"), host)
	if s.Format == FormatCEF {
		b.WriteString("- ")
		s.cef(&b, f)
		return b.String()
	}
	// STRUCTURED-DATA (§6.3): the finding's facts as parameters.
	b.WriteString("[weir@" + enterpriseID)
	sdParam(&b, "id", f.ID)
	sdParam(&b, "detector", f.Detector)
	sdParam(&b, "severity", f.Severity)
	sdParam(&b, "score", strconv.Itoa(f.Score))
	sdParam(&b, "tactics", strings.Join(f.Tactics, ","))
	sdParam(&b, "techniques", strings.Join(f.Techniques, ","))
	sdParam(&b, "sources", strings.Join(f.Entities.Sources, ","))
	sdParam(&b, "destinations", strings.Join(f.Entities.Destinations, ","))
	sdParam(&b, "workloads", strings.Join(f.Entities.Workloads, ","))
	sdParam(&b, "bytes", strconv.FormatUint(f.Evidence.Bytes, 10))
	sdParam(&b, "flows", strconv.FormatUint(f.Evidence.Flows, 10))
	sdParam(&b, "first_seen", f.FirstSeen.UTC().Format(time.RFC3339))
	sdParam(&b, "last_seen", f.LastSeen.UTC().Format(time.RFC3339))
	b.WriteString("] ")
	msg := f.Title
	if f.Summary != "" {
		msg += ": " + f.Summary
	}
	b.WriteString(oneLine(msg))
	return b.String()
}

// syslogSeverity maps a finding's severity to RFC 5424's numeric severity.
func syslogSeverity(s string) int {
	switch s {
	case detect.Critical:
		return 2 // critical
	case detect.High:
		return 3 // error
	case detect.Medium:
		return 4 // warning
	}
	return 5 // notice
}

// sdParam writes SP name="value", escaping ", \ and ] as §6.3.3 asks.
func sdParam(b *strings.Builder, name, value string) {
	b.WriteString(" " + name + `="`)
	for _, r := range value {
		if r == '"' || r == '\\' || r == ']' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
}

// headerField makes s a header field: printable US-ASCII without spaces, at most
// max characters, "-" when empty (§6.2).
func headerField(s string, max int) string {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < max; i++ {
		if c := s[i]; c > 32 && c < 127 {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// cef writes f as a CEF:0 event: Version|Vendor|Product|Version|Signature ID|
// Name|Severity|Extension, with header fields escaping | and \, and extension
// values escaping \ and = and writing newlines as \n (ArcSight CEF
// Implementation Standard).
func (s *Syslog) cef(b *strings.Builder, f *detect.Finding) {
	version := s.Version
	if version == "" {
		version = "dev"
	}
	b.WriteString("CEF:0|weir|weir|")
	for _, h := range []string{version, f.Detector, f.Title, strconv.Itoa(cefSeverity(f.Severity))} {
		cefHeader(b, h)
		b.WriteByte('|')
	}
	var ext []string
	add := func(key, value string) {
		if value != "" {
			ext = append(ext, key+"="+cefValue(value))
		}
	}
	add("externalId", f.ID)
	if !f.FirstSeen.IsZero() {
		add("start", strconv.FormatInt(f.FirstSeen.UnixMilli(), 10))
	}
	if !f.LastSeen.IsZero() {
		add("end", strconv.FormatInt(f.LastSeen.UnixMilli(), 10))
	}
	if ip, err := netip.ParseAddr(first(f.Entities.Sources)); err == nil {
		key := "src"
		if ip.Is6() && !ip.Is4In6() {
			key = "c6a2" // CEF's src takes IPv4 only
		}
		add(key, ip.String())
	}
	if ip, err := netip.ParseAddr(first(f.Entities.Destinations)); err == nil {
		key := "dst"
		if ip.Is6() && !ip.Is4In6() {
			key = "c6a3"
		}
		add(key, ip.String())
	}
	if len(f.Evidence.Ports) > 0 {
		add("dpt", strconv.Itoa(int(f.Evidence.Ports[0])))
	}
	add("cnt", strconv.FormatUint(f.Evidence.Flows, 10))
	add("out", strconv.FormatUint(f.Evidence.Bytes, 10))
	add("cn1Label", "score")
	add("cn1", strconv.Itoa(f.Score))
	for i, kv := range [][2]string{
		{"tactics", strings.Join(f.Tactics, ",")},
		{"techniques", strings.Join(f.Techniques, ",")},
		{"workloads", strings.Join(f.Entities.Workloads, ",")},
		{"countries", strings.Join(f.Evidence.Countries, ",")},
		{"filter", f.Evidence.Filter},
	} {
		if kv[1] != "" {
			n := strconv.Itoa(i + 1)
			add("cs"+n+"Label", kv[0])
			add("cs"+n, kv[1])
		}
	}
	add("msg", f.Summary)
	b.WriteString(strings.Join(ext, " "))
}

// cefSeverity maps a finding's severity to CEF's 0–10.
func cefSeverity(s string) int {
	switch s {
	case detect.Critical:
		return 10
	case detect.High:
		return 8
	case detect.Medium:
		return 5
	}
	return 3
}

func cefHeader(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '|', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteByte(' ') // a header is one line
		default:
			b.WriteRune(r)
		}
	}
}

func cefValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `=`, `\=`, "\r\n", `\n`, "\n", `\n`, "\r", `\r`).Replace(s)
}
