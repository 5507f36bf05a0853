package pipeline

import (
	"testing"

	"github.com/weirhq/weir/flow"
)

func TestDuplicate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		reporter flow.Reporter
		cloud    string
		src, dst string // zones
		want     bool
	}{
		{"aws egress at the source", flow.ReporterSrc, "aws", "Internal AWS", "Internal AWS", false},
		{"aws ingress of an internal source", flow.ReporterDst, "aws", "Internal AWS", "Internal AWS", true},
		{"aws ingress of an unplaced private source", flow.ReporterDst, "aws", "Internal", "Internal AWS", true},
		{"aws ingress from the internet", flow.ReporterDst, "aws", "Internet", "Internal AWS", false},
		{"azure ingress from another cloud", flow.ReporterDst, "azure", "Internal AWS", "Internal Azure", false},
		{"gcp DEST of a gcp source", flow.ReporterDst, "gcp", "Internal GCP", "Internal GCP", true},
		{"aws ingress from on-prem", flow.ReporterDst, "aws", "On-Prem", "Internal AWS", false},
		{"zeek on-prem to aws", flow.ReporterUnknown, "onprem", "On-Prem", "Internal AWS", true},
		{"zeek azure to on-prem", flow.ReporterUnknown, "onprem", "Internal Azure", "On-Prem", true},
		{"zeek inside the site", flow.ReporterUnknown, "onprem", "On-Prem", "On-Prem", false},
		{"zeek to the internet", flow.ReporterUnknown, "onprem", "On-Prem", "Internet", false},
	} {
		r := &flow.Record{Reporter: tc.reporter, Cloud: tc.cloud}
		r.Src.Zone, r.Dst.Zone = tc.src, tc.dst
		if got := duplicate(r); got != tc.want {
			t.Errorf("%s: duplicate = %v, want %v", tc.name, got, tc.want)
		}
	}
}
