package pipeline

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/awsvpc"
	"github.com/weirhq/weir/ingest/azureflow"
	"github.com/weirhq/weir/ingest/gcpflow"
	"github.com/weirhq/weir/ingest/netflow"
	"github.com/weirhq/weir/ingest/route53"
	"github.com/weirhq/weir/ingest/zeek"
)

// format is one input format weir reads from files: how to recognise it and how to
// decode it. Exactly one of newFlows and newDNS is set.
type format struct {
	name     string
	detect   func(head []byte) bool
	newFlows func(r io.Reader, o ingest.Options) ingest.Decoder
	newDNS   func(r io.Reader, o ingest.Options) ingest.DNSDecoder
}

func azureIs(want string) func([]byte) bool {
	return func(head []byte) bool { f, ok := azureflow.Detect(head); return ok && f == want }
}

func zeekIs(want string) func([]byte) bool {
	return func(head []byte) bool { f, ok := zeek.Detect(head); return ok && f == want }
}

// formats in detection order: the more specific tests first.
var formats = []format{
	{name: azureflow.FormatVNet, detect: azureIs(azureflow.FormatVNet),
		newFlows: func(r io.Reader, o ingest.Options) ingest.Decoder { return azureflow.NewDecoder(r, o) }},
	{name: azureflow.FormatNSG, detect: azureIs(azureflow.FormatNSG),
		newFlows: func(r io.Reader, o ingest.Options) ingest.Decoder { return azureflow.NewDecoder(r, o) }},
	{name: gcpflow.Format, detect: gcpflow.Detect,
		newFlows: func(r io.Reader, o ingest.Options) ingest.Decoder { return gcpflow.NewDecoder(r, o) }},
	{name: zeek.FormatConn, detect: zeekIs(zeek.FormatConn),
		newFlows: func(r io.Reader, o ingest.Options) ingest.Decoder { return zeek.NewConnDecoder(r, o) }},
	{name: zeek.FormatDNS, detect: zeekIs(zeek.FormatDNS),
		newDNS: func(r io.Reader, o ingest.Options) ingest.DNSDecoder { return zeek.NewDNSDecoder(r, o) }},
	{name: zeek.FormatSSL, detect: zeekIs(zeek.FormatSSL),
		newDNS: func(r io.Reader, o ingest.Options) ingest.DNSDecoder { return zeek.NewSSLDecoder(r, o) }},
	{name: route53.Format, detect: route53.Detect,
		newDNS: func(r io.Reader, o ingest.Options) ingest.DNSDecoder { return route53.NewDecoder(r, o) }},
	{name: awsvpc.Format, detect: awsvpc.Detect,
		newFlows: func(r io.Reader, o ingest.Options) ingest.Decoder { return awsvpc.NewDecoder(r, o) }},
	// Raw UDP payloads saved to files (captures, replays): binary, so tried last.
	{name: netflow.FormatNetFlow, detect: netflow.Detect,
		newFlows: func(r io.Reader, o ingest.Options) ingest.Decoder { return netflow.NewFileDecoder(r, o) }},
	{name: netflow.FormatSFlow, detect: netflow.DetectSFlow,
		newFlows: func(r io.Reader, o ingest.Options) ingest.Decoder { return netflow.NewFileDecoder(r, o) }},
}

// Formats lists the format names `weir ingest --format` accepts.
func Formats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	sort.Strings(names)
	return names
}

func formatByName(name string) (*format, error) {
	for i := range formats {
		if formats[i].name == name {
			return &formats[i], nil
		}
	}
	return nil, fmt.Errorf("unknown format %q (known: %s)", name, strings.Join(Formats(), ", "))
}

func detect(head []byte) (*format, bool) {
	for i := range formats {
		if formats[i].detect(head) {
			return &formats[i], true
		}
	}
	return nil, false
}
