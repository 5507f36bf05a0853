package roles

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// use builds one line of a profile: peers of which internet are on the
// internet, the rest inside the estate.
func use(proto uint8, port uint16, peers, internet int, flows uint64) Use {
	return Use{Proto: proto, Port: port, Peers: peers, InternalPeers: peers - internet, InternetPeers: internet,
		Flows: flows, BytesIn: flows * 2000, BytesOut: flows * 8000}
}

// userTraffic is a person's day: the web, logons, shares.
func userTraffic() Profile {
	return Profile{
		Used:    []Use{use(tcp, 443, 40, 38, 300), use(tcp, 88, 1, 0, 20), use(tcp, 389, 1, 0, 10), use(tcp, 445, 2, 0, 30)},
		Servers: 42, InternalServers: 4, InternetServers: 38, Hours: 24, ActiveHours: 11,
		Categories: map[string]uint64{"internet": 200, "cloud": 90, "ai": 10, "internal": 60},
	}
}

func TestDecide(t *testing.T) {
	user := userTraffic()
	userServingRDP := userTraffic()
	userServingRDP.Served, userServingRDP.Clients = []Use{use(tcp, 3389, 1, 0, 2)}, 1
	serverUpdating := Profile{Used: []Use{use(tcp, 443, 3, 3, 4), use(udp, 123, 1, 1, 24)}, InternetServers: 4,
		Categories: map[string]uint64{"cloud": 28}}
	tests := []struct {
		name string
		p    Profile
		want string
		conf float64
	}{
		{"kerberos and ldap", Profile{Served: []Use{use(tcp, 88, 40, 0, 900), use(tcp, 389, 40, 0, 500), use(tcp, 445, 40, 0, 300), use(udp, 53, 40, 0, 5000)}}, DC, 0.95},
		{"kerberos alone", Profile{Served: []Use{use(udp, 88, 3, 0, 90)}}, DC, 0.85},
		{"ldap alone", Profile{Served: []Use{use(tcp, 636, 4, 0, 90)}}, DC, 0.6},
		{"sql server to one app", Profile{Served: []Use{use(tcp, 1433, 1, 0, 5000)}}, DB, 0.85},
		{"postgres replica", Profile{Served: []Use{use(tcp, 5432, 1, 0, 30)}, Used: []Use{use(tcp, 5432, 1, 0, 10)}}, DB, 0.85},
		{"redis exposed only to the internet", Profile{Served: []Use{use(tcp, 6379, 2, 2, 3)}}, DB, 0.5},
		{"smb to the floor", Profile{Served: []Use{use(tcp, 445, 30, 0, 4000)}}, File, 0.8},
		{"nfs", Profile{Served: []Use{use(udp, 2049, 5, 0, 400)}}, File, 0.8},
		{"dns resolver", Profile{Served: []Use{use(udp, 53, 50, 0, 9000)}, Used: []Use{use(udp, 53, 2, 2, 3000)}}, DNS, 0.9},
		{"ntp server", Profile{Served: []Use{use(udp, 123, 20, 0, 480)}}, NTP, 0.85},
		{"mail relay", Profile{Served: []Use{use(tcp, 25, 3, 2, 80), use(tcp, 587, 20, 0, 300)}}, Mail, 0.85},
		{"k8s node", Profile{Served: []Use{use(tcp, 10250, 2, 0, 50), use(udp, 4789, 2, 0, 80)}}, K8sNode, 0.9},
		{"k8s api only", Profile{Served: []Use{use(tcp, 6443, 4, 0, 50)}}, K8sNode, 0.75},
		{"jump host", Profile{Served: []Use{use(tcp, 3389, 6, 0, 20)}, Used: []Use{use(tcp, 3389, 12, 0, 40), use(tcp, 22, 8, 0, 30)}}, Jump, 0.9},
		{"bastion", Profile{Served: []Use{use(tcp, 22, 5, 1, 40)}}, Jump, 0.7},
		{"admin workstation reaching many", Profile{Served: []Use{use(tcp, 3389, 1, 0, 1)}, Used: []Use{use(tcp, 22, 9, 0, 30)}}, Jump, 0.75},
		{"server administered by two", Profile{Served: []Use{use(tcp, 22, 2, 0, 10), use(tcp, 8443, 3, 0, 900)}}, App, 0.55},
		{"public web", Profile{Served: []Use{use(tcp, 443, 900, 880, 9000), use(tcp, 80, 300, 300, 400)}, Used: []Use{use(tcp, 8443, 2, 0, 3000)}}, Web, 0.85},
		{"intranet web", Profile{Served: []Use{use(tcp, 443, 30, 0, 900)}}, Web, 0.75},
		{"app tier behind six web servers", Profile{Served: []Use{use(tcp, 8443, 6, 0, 3000)}, Used: []Use{use(tcp, 5432, 1, 0, 2000)}}, App, 0.75},
		{"intranet on 8080", Profile{Served: []Use{use(tcp, 8080, 12, 0, 900)}}, Web, 0.6},
		{"app tier", Profile{Served: []Use{use(tcp, 8443, 2, 0, 3000)}, Used: []Use{use(tcp, 1433, 1, 0, 2000)}}, App, 0.75},
		{"batch job", Profile{Used: []Use{use(tcp, 5432, 1, 0, 20)}}, App, 0.5},
		{"internal api", Profile{Served: []Use{use(tcp, 9090, 3, 0, 300)}}, App, 0.55},
		{"proxy", Profile{Served: []Use{use(tcp, 3128, 40, 0, 9000)}, Used: []Use{use(tcp, 443, 500, 500, 9000)}, InternetServers: 500}, Proxy, 0.8},
		{"ndmp backup", Profile{Used: []Use{use(tcp, 10000, 2, 0, 6)}}, Backup, 0.8},
		{"backup target", Profile{Served: []Use{{Proto: tcp, Port: 443, Peers: 1, InternalPeers: 1, Flows: 4, BytesIn: 3e9, BytesOut: 1e6}}, Clients: 1}, Backup, 0.65},
		{"user", user, User, 0.8},
		{"user serving rdp to one", userServingRDP, User, 0.8},
		{"workstation kind, little traffic", Profile{Kind: "Workstation"}, User, 0.55},
		{"kubernetes kind, little traffic", Profile{Kind: "Kubernetes Node"}, K8sNode, 0.55},
		{"server fetching updates", serverUpdating, "", 0},
		{"scanned only (no served flows)", Profile{}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(&tt.p)
			if d.Role != tt.want || d.Confidence != tt.conf {
				t.Errorf("Decide = %s %.2f (%s); want %s %.2f", d.Role, d.Confidence, d.Reason, tt.want, tt.conf)
			}
			if d.Role != "" && d.Reason == "" {
				t.Error("a decision without a reason")
			}
		})
	}
}

func TestRulesUseTheVocabulary(t *testing.T) {
	in := map[string]bool{}
	for _, r := range Vocabulary {
		in[r] = true
	}
	for _, r := range rules {
		if !in[r.role] {
			t.Errorf("rule for %q: not in Vocabulary", r.role)
		}
	}
}

// fakeStore hands out fixed profiles and records what Infer sets.
type fakeStore struct {
	profiles []Profile
	set      map[uint32]string
	err      error
}

func (f *fakeStore) EndpointProfiles(context.Context, time.Time, time.Time) ([]Profile, error) {
	return f.profiles, f.err
}

func (f *fakeStore) SetInferredRoles(_ context.Context, set map[uint32]string) error {
	f.set = set
	return nil
}

func TestInfer(t *testing.T) {
	st := &fakeStore{profiles: []Profile{
		{Key: "SQL1", Endpoints: []uint32{3, 9}, Served: []Use{use(tcp, 1433, 1, 0, 50)}},
		{Key: "quiet", Endpoints: []uint32{4}},
		{Key: "maybe-dns", Endpoints: []uint32{5}, Served: []Use{use(udp, 123, 1, 0, 2)}}, // 0.5: recorded
	}}
	res, err := Infer(context.Background(), st, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[uint32]string{3: DB, 9: DB, 5: NTP}, st.set); diff != "" {
		t.Errorf("roles set (-want +got):\n%s", diff)
	}
	if len(res) != 2 || res[0].Key != "SQL1" || res[0].Role != DB {
		t.Errorf("results %+v", res)
	}
	st = &fakeStore{err: errors.New("boom")}
	if _, err := Infer(context.Background(), st, time.Time{}, time.Time{}); err == nil || st.set != nil {
		t.Errorf("Infer with a failing store: %v, set %v", err, st.set)
	}
}
