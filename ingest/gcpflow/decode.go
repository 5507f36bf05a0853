package gcpflow

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/valyala/fastjson"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/internal/bytesparse"
)

// Decoder reads GCP VPC flow records from one input. It is used by one goroutine.
type Decoder struct {
	in   *entries
	name string
	now  time.Time
	p    fastjson.Parser
	strs ingest.Strings
	tmp  []byte // builds exporter ids before interning
}

var _ ingest.Decoder = (*Decoder)(nil)

// NewDecoder returns a Decoder reading r. opts.Name names the input in errors;
// opts.Now bounds plausible times (the wall clock when zero).
func NewDecoder(r io.Reader, opts ingest.Options) *Decoder {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	return &Decoder{in: newEntries(r), name: opts.Name, now: now}
}

// Next fills r with the next flow. It returns a *ingest.RecordError for an entry it
// rejects (call Next again), io.EOF at the end, or the read error that ended the
// stream.
func (d *Decoder) Next(r *flow.Record) error {
	b, pos, err := d.in.next()
	switch {
	case err == nil:
		return d.decode(b, pos, r)
	case errors.Is(err, errTooLong):
		return ingest.Reject(pos, "line too long", "entry longer than %d bytes skipped", ingest.MaxLine)
	case errors.Is(err, errTruncated):
		return ingest.Reject(pos, "truncated", "input ends inside this entry")
	case errors.Is(err, io.EOF):
		return io.EOF
	}
	return fmt.Errorf("read %s: %w", d.name, err)
}

// side is one end of a connection as the payload describes it.
type side struct {
	instance *fastjson.Value // src_instance or dest_instance
	vpc      *fastjson.Value // src_vpc or dest_vpc
}

func (d *Decoder) decode(b []byte, pos int64, r *flow.Record) error {
	v, err := d.p.ParseBytes(b)
	if err != nil {
		return ingest.Reject(pos, "bad json", "%v", err)
	}
	payload := v.Get("jsonPayload")
	conn := payload.Get("connection")
	if conn == nil || conn.Type() != fastjson.TypeObject {
		return ingest.Reject(pos, "not a flow", "no jsonPayload.connection")
	}
	r.Reset()

	var ok bool
	if r.SrcIP, ok = bytesparse.Addr(conn.GetStringBytes("src_ip")); !ok {
		return ingest.Reject(pos, "bad ip", "src_ip %q", conn.GetStringBytes("src_ip"))
	}
	if r.DstIP, ok = bytesparse.Addr(conn.GetStringBytes("dest_ip")); !ok {
		return ingest.Reject(pos, "bad ip", "dest_ip %q", conn.GetStringBytes("dest_ip"))
	}
	// Ports are absent for ICMP and other protocols without them.
	sp, _, ok1 := jsonUint(conn.Get("src_port"))
	dp, _, ok2 := jsonUint(conn.Get("dest_port"))
	if !ok1 || !ok2 || sp > 65535 || dp > 65535 {
		return ingest.Reject(pos, "bad port", "src_port %s dest_port %s", raw(conn.Get("src_port")), raw(conn.Get("dest_port")))
	}
	r.SrcPort, r.DstPort = uint16(sp), uint16(dp)
	proto, present, ok := jsonUint(conn.Get("protocol"))
	if !present || !ok || proto > 255 {
		return ingest.Reject(pos, "bad protocol", "protocol %s", raw(conn.Get("protocol")))
	}
	r.Proto = uint8(proto)

	if r.Bytes, _, ok = jsonUint(payload.Get("bytes_sent")); !ok {
		return ingest.Reject(pos, "bad number", "bytes_sent %s", raw(payload.Get("bytes_sent")))
	}
	if r.Packets, _, ok = jsonUint(payload.Get("packets_sent")); !ok {
		return ingest.Reject(pos, "bad number", "packets_sent %s", raw(payload.Get("packets_sent")))
	}

	if err := d.times(v, payload, pos, r); err != nil {
		return err
	}

	src := side{payload.Get("src_instance"), payload.Get("src_vpc")}
	dst := side{payload.Get("dest_instance"), payload.Get("dest_vpc")}
	r.Src.Instance = d.strs.Get(src.instance.GetStringBytes("vm_name"))
	r.Dst.Instance = d.strs.Get(dst.instance.GetStringBytes("vm_name"))

	// The reporting end gives the record its origin. An entry without a reporter
	// (not seen in practice) takes whichever end is a VM, the source first.
	rep := src
	switch reporter := payload.GetStringBytes("reporter"); string(reporter) {
	case "SRC":
		r.Reporter = flow.ReporterSrc
	case "DEST":
		r.Reporter = flow.ReporterDst
		rep = dst
	default:
		if src.instance == nil && dst.instance != nil {
			rep = dst
		}
	}
	d.origin(v, rep, r)

	r.Flows = 1
	r.Action = flow.Allow // VPC Flow Logs record only traffic that the firewall let through
	r.Format = Format
	r.Cloud = "gcp"
	return nil
}

// times sets Start and End from start_time and end_time, falling back on the entry's
// timestamp for an entry that lacks them.
func (d *Decoder) times(v, payload *fastjson.Value, pos int64, r *flow.Record) error {
	sb, eb := payload.GetStringBytes("start_time"), payload.GetStringBytes("end_time")
	if sb == nil {
		sb = eb
	}
	if sb == nil {
		sb = v.GetStringBytes("timestamp")
	}
	if eb == nil {
		eb = sb
	}
	var ok bool
	if r.Start, ok = bytesparse.Time(sb); !ok {
		return ingest.Reject(pos, "bad time", "start_time %q", sb)
	}
	if r.End, ok = bytesparse.Time(eb); !ok {
		return ingest.Reject(pos, "bad time", "end_time %q", eb)
	}
	if !ingest.PlausibleTime(r.Start, d.now) || !ingest.PlausibleTime(r.End, d.now) {
		return ingest.Reject(pos, "bad time", "%s..%s outside plausible range", sb, eb)
	}
	if r.End.Before(r.Start) {
		return ingest.Reject(pos, "bad time", "end_time %s before start_time %s", eb, sb)
	}
	return nil
}

// origin sets Account, Region, VPC and Exporter from the reporting end, falling back
// on what the LogEntry itself says about its project and location.
func (d *Decoder) origin(v *fastjson.Value, rep side, r *flow.Record) {
	project := rep.instance.GetStringBytes("project_id")
	if project == nil {
		project = rep.vpc.GetStringBytes("project_id")
	}
	if project == nil {
		project = logProject(v.GetStringBytes("logName"))
	}
	if project == nil {
		project = v.GetStringBytes("resource", "labels", "project_id")
	}
	r.Account = d.strs.Get(project)

	region := rep.instance.GetStringBytes("region")
	if region == nil {
		region = zoneRegion(rep.instance.GetStringBytes("zone"))
	}
	if region == nil {
		region = zoneRegion(v.GetStringBytes("resource", "labels", "location"))
	}
	r.Region = d.strs.Get(region)
	r.VPC = d.strs.Get(rep.vpc.GetStringBytes("vpc_name"))

	d.tmp = append(d.tmp[:0], Format...)
	d.tmp = append(d.tmp, '/')
	d.tmp = append(d.tmp, project...)
	if vm := rep.instance.GetStringBytes("vm_name"); vm != nil {
		d.tmp = append(d.tmp, '/')
		d.tmp = append(d.tmp, vm...)
	}
	r.Exporter = d.strs.Get(d.tmp)
}

// logProject returns P from a logName "projects/P/logs/...".
func logProject(name []byte) []byte {
	rest, ok := bytes.CutPrefix(name, []byte("projects/"))
	if !ok {
		return nil
	}
	if i := bytes.IndexByte(rest, '/'); i > 0 {
		return rest[:i]
	}
	return nil
}

// zoneRegion returns the region of a zone (us-east1-b → us-east1); a value that is
// already a region (newer entries give resource.labels.location as one) is kept.
func zoneRegion(z []byte) []byte {
	if n := len(z); n > 2 && z[n-2] == '-' && z[n-1] >= 'a' && z[n-1] <= 'z' {
		return z[:n-2]
	}
	return z
}

// raw renders a value for an error message.
func raw(v *fastjson.Value) string {
	if v == nil {
		return "absent"
	}
	return v.String()
}
