package nftables

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	nft "github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/weirhq/weir/internal/testutil"
)

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

var server = netip.MustParseAddrPort("192.0.2.10:8443")

// dump renders a rule's expressions one per line so golden files show every
// byte the kernel will receive.
func dump(rules [][]expr.Any) string {
	var b strings.Builder
	for i, r := range rules {
		fmt.Fprintf(&b, "rule %d:", i)
		for _, e := range r {
			switch e := e.(type) {
			case *expr.Meta:
				fmt.Fprintf(&b, " meta(key=%d)", e.Key)
			case *expr.Cmp:
				fmt.Fprintf(&b, " cmp(op=%d,%s)", e.Op, hex.EncodeToString(e.Data))
			case *expr.Payload:
				fmt.Fprintf(&b, " payload(base=%d,off=%d,len=%d)", e.Base, e.Offset, e.Len)
			case *expr.Bitwise:
				fmt.Fprintf(&b, " bitwise(mask=%s,xor=%s)", hex.EncodeToString(e.Mask), hex.EncodeToString(e.Xor))
			case *expr.Ct:
				fmt.Fprintf(&b, " ct(key=%d)", e.Key)
			case *expr.Verdict:
				fmt.Fprintf(&b, " verdict(%d)", e.Kind)
			default:
				fmt.Fprintf(&b, " %T", e)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestPlanGolden(t *testing.T) {
	s, err := State{
		Quarantined: true,
		Allow:       prefixes("10.199.2.0/24", "2001:db8:7::/48", "198.51.100.7/32"),
		AllowDNS:    true,
		Server:      server,
	}.normalized()
	if err != nil {
		t.Fatal(err)
	}
	p := buildPlan(s)
	var b bytes.Buffer
	fmt.Fprintf(&b, "table family=%d name=%s\n", p.table.Family, p.table.Name)
	for _, c := range []struct {
		chainName string
		rules     [][]expr.Any
	}{{p.input.Name, p.in}, {p.output.Name, p.out}} {
		fmt.Fprintf(&b, "chain %s\n%s", c.chainName, dump(c.rules))
	}
	testutil.Golden(t, filepath.Join("testdata", "quarantine.golden"), b.Bytes())
}

func TestPlanShape(t *testing.T) {
	for _, tc := range []struct {
		name    string
		state   State
		wantIn  int
		wantOut int
	}{
		// lo + ND + server, per chain.
		{"bare", State{Quarantined: true, Server: server}, 3, 3},
		{"allow two", State{Quarantined: true, Server: server, Allow: prefixes("10.0.0.0/8", "::1/128")}, 5, 5},
		// DNS adds udp and tcp each way.
		{"dns", State{Quarantined: true, Server: server, AllowDNS: true}, 5, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.state.normalized()
			if err != nil {
				t.Fatal(err)
			}
			p := buildPlan(s)
			if len(p.in) != tc.wantIn || len(p.out) != tc.wantOut {
				t.Errorf("rules in/out = %d/%d, want %d/%d", len(p.in), len(p.out), tc.wantIn, tc.wantOut)
			}
			for _, c := range []struct {
				name string
				pol  any
				prio any
			}{{"input", *p.input.Policy, *p.input.Priority}, {"output", *p.output.Policy, *p.output.Priority}} {
				if diff := cmp.Diff([]any{c.pol, c.prio}, []any{nft.ChainPolicyDrop, priority}); diff != "" {
					t.Errorf("%s chain policy/priority (-got +want):\n%s", c.name, diff)
				}
			}
			for _, r := range append(p.in, p.out...) {
				v, ok := r[len(r)-1].(*expr.Verdict)
				if !ok || v.Kind != expr.VerdictAccept {
					t.Errorf("rule does not end in accept: %s", dump([][]expr.Any{r}))
				}
			}
		})
	}
}

func TestAddrInMask(t *testing.T) {
	for _, tc := range []struct {
		prefix   string
		wantMask string // "" when the rule compares the whole address
		wantData string
		wantOff  uint32
	}{
		{"10.199.16.0/20", "fffff000", "0ac71000", 16},
		{"10.199.2.2/32", "", "0ac70202", 16},
		{"0.0.0.0/0", "00000000", "00000000", 16},
		{"2001:db8::/33", "ffffffff800000000000000000000000", "20010db8000000000000000000000000", 24},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			es := addrIn(dst, netip.MustParsePrefix(tc.prefix))
			var mask, data string
			var off uint32
			for _, e := range es {
				switch e := e.(type) {
				case *expr.Bitwise:
					mask = hex.EncodeToString(e.Mask)
				case *expr.Payload:
					off = e.Offset
				case *expr.Cmp:
					data = hex.EncodeToString(e.Data)
				}
			}
			got := []any{mask, data, off}
			if diff := cmp.Diff(got, []any{tc.wantMask, tc.wantData, tc.wantOff}); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}

func TestNormalized(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      State
		want    State
		wantErr string
	}{
		{"released drops everything", State{Allow: prefixes("10.0.0.0/8")}, State{}, ""},
		{"masks and unmaps",
			State{Quarantined: true, Allow: prefixes("10.1.2.3/16", "::ffff:10.9.9.9/120"),
				Server: netip.MustParseAddrPort("[::ffff:192.0.2.1]:443")},
			State{Quarantined: true, Allow: prefixes("10.1.0.0/16", "10.9.9.0/24"),
				Server: netip.MustParseAddrPort("192.0.2.1:443")}, ""},
		{"no server", State{Quarantined: true}, State{}, "server address"},
		{"server port 0", State{Quarantined: true, Server: netip.MustParseAddrPort("192.0.2.1:0")}, State{}, "server address"},
		{"bad prefix", State{Quarantined: true, Server: server, Allow: []netip.Prefix{{}}}, State{}, "allow[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.normalized()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, tc.want, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
				cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}
