package gcp

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/compute/v1"
)

func TestTagFor(t *testing.T) {
	long := "q-" + strings.Repeat("ab", 40)
	for _, tc := range []struct {
		id, want string
		wantErr  bool
	}{
		{id: "q-0123456789abcdef", want: "weir-q-0123456789abcdef"},
		{id: "Q-0123456789ABCDEF", want: "weir-q-0123456789abcdef"},
		{id: "q-case_7.b", want: "weir-q-case-7-b"},
		{id: "manual-id-", want: "weir-q-manual-id"},
		{id: long, want: ("weir-q-" + strings.Repeat("ab", 40))[:63]},
		{id: "q-" + strings.Repeat("a", 55) + "---x", want: "weir-q-" + strings.Repeat("a", 55)},
		{id: "", wantErr: true},
		{id: "q-", wantErr: true},
		{id: "q-__", wantErr: true},
	} {
		got, err := tagFor(tc.id)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("tagFor(%q) = %q, %v; want %q, error %v", tc.id, got, err, tc.want, tc.wantErr)
		}
		if err == nil && (len(got) > 63 || !rfc1035.MatchString(got)) {
			t.Errorf("tagFor(%q) = %q: not a valid network tag", tc.id, got)
		}
	}
}

// Every rule name stays a valid resource name, even for the longest tag on
// an instance's last interface.
func TestRuleNamesFit(t *testing.T) {
	tg, _ := tagFor("q-" + strings.Repeat("z", 80))
	nets := make([]string, 8)
	for i := range nets {
		nets[i] = "projects/p/global/networks/n" + string(rune('a'+i))
	}
	rules := desiredRules(tg, nets, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}, "q-x", "w")
	if len(rules) != 80 {
		t.Fatalf("desiredRules() made %d rules, want 80", len(rules))
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if !rfc1035.MatchString(r.Name) || seen[r.Name] {
			t.Errorf("rule name %q is invalid or repeated", r.Name)
		}
		seen[r.Name] = true
	}
}

func TestSameRule(t *testing.T) {
	want := desiredRules("weir-q-x", []string{"projects/p/global/networks/default"},
		[]netip.Prefix{netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("10.0.0.0/8")}, "q-x", "w")[0]
	same := *want
	same.Network = "https://www.googleapis.com/compute/v1/projects/p/global/networks/default"
	same.SourceRanges = []string{"192.0.2.1", "10.0.0.0/8"} // spelled differently, same networks
	same.Description = "edited by hand"
	if !sameRule(&same, want) {
		t.Error("sameRule(): want a rule differing only in spelling and description to be the same")
	}
	ssh := []*compute.FirewallAllowed{{IPProtocol: "tcp", Ports: []string{"22"}}}
	for name, edit := range map[string]func(f *compute.Firewall){
		"ranges":   func(f *compute.Firewall) { f.SourceRanges = []string{"10.0.0.0/8"} },
		"priority": func(f *compute.Firewall) { f.Priority = 1000 },
		"disabled": func(f *compute.Firewall) { f.Disabled = true },
		"ports":    func(f *compute.Firewall) { f.Allowed = ssh },
		"targets":  func(f *compute.Firewall) { f.TargetTags = []string{"web"} },
		"network":  func(f *compute.Firewall) { f.Network = "projects/p/global/networks/other" },
		"garbage":  func(f *compute.Firewall) { f.SourceRanges = []string{"not-a-range"} },
	} {
		changed := *want
		edit(&changed)
		if sameRule(&changed, want) {
			t.Errorf("sameRule(): a rule with other %s compares the same", name)
		}
	}
}

func TestSplitFamilies(t *testing.T) {
	v4, v6 := splitFamilies([]netip.Prefix{
		netip.MustParsePrefix("10.1.2.3/8"), netip.MustParsePrefix("::ffff:192.0.2.1/128"),
		netip.MustParsePrefix("2001:db8::1/64"), netip.MustParsePrefix("10.0.0.0/8"), {},
	})
	if diff := cmp.Diff([][]string{v4, v6}, [][]string{{"10.0.0.0/8", "192.0.2.1/32"}, {"2001:db8::/64"}}); diff != "" {
		t.Errorf("splitFamilies() (-got, +want):\n%s", diff)
	}
}
