package zeek

import (
	"io"
	"time"

	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/internal/bytesparse"
)

// Fields of ssl.log that the decoder reads, by id.
const (
	sslTS = iota
	sslServerName
	sslRespH
)

var sslFields = []string{sslTS: "ts", sslServerName: "server_name", sslRespH: "id.resp_h"}

// SSLDecoder reads passive-DNS observations from an ssl.log: the name a TLS client
// asked for (SNI) at the server's address. It is used by one goroutine.
type SSLDecoder struct {
	log        *logReader
	now        time.Time
	strs       ingest.Strings
	tmp, lower []byte
}

var _ ingest.DNSDecoder = (*SSLDecoder)(nil)

// NewSSLDecoder returns an SSLDecoder reading r. opts.Now bounds plausible times
// (the wall clock when zero).
func NewSSLDecoder(r io.Reader, opts ingest.Options) *SSLDecoder {
	return &SSLDecoder{log: newLogReader(r, opts.Name, sslFields), now: nowOr(opts.Now)}
}

// Next fills o with the next observation; TLS sessions without SNI are passed over.
// TTL is 0: a handshake says nothing about how long the name stays at the address.
// It returns a *ingest.RecordError for a line it rejects (call Next again), io.EOF
// at the end, or the read error that ended the stream.
func (d *SSLDecoder) Next(o *ingest.DNSObservation) error {
	for {
		if err := d.log.next(); err != nil {
			return err
		}
		v, pos := d.log.vals, d.log.line()
		if v[sslServerName] == nil {
			continue
		}
		t, ok := parseTS(v[sslTS])
		if !ok || !ingest.PlausibleTime(t, d.now) {
			return badTime(pos, v[sslTS])
		}
		ip, ok := bytesparse.Addr(v[sslRespH])
		if !ok {
			return ingest.Reject(pos, "bad ip", "id.resp_h %q", v[sslRespH])
		}
		d.lower = domain(d.lower, unescape(d.tmp, v[sslServerName]))
		*o = ingest.DNSObservation{Time: t, IP: ip.Unmap(), Domain: d.strs.Get(d.lower), Source: FormatSSL}
		return nil
	}
}
