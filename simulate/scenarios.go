package simulate

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// scenarioSet builds the injected attacks. Each one draws from the scenario stream
// only, and its connections are summed into truth.json as they are made.
type scenarioSet struct {
	s     *sim
	g     *gen
	truth *Truth
	desk  []*workload // on-prem desktops
}

// at is the time at fraction f of the window.
func (ss *scenarioSet) at(f float64) int64 {
	t := ss.s.start + int64(f*float64(ss.s.end-ss.s.start))
	return t - t%usPerSec
}

// span is d, shrunk to fit short windows: at most a fraction of the window.
func (ss *scenarioSet) span(d time.Duration, frac float64) int64 {
	return min(d.Microseconds(), int64(frac*float64(ss.s.end-ss.s.start)))
}

// add runs build as scenario kind and records its truth.
func (ss *scenarioSet) add(kind, tactic, technique, desc string, build func() []conn) *Scenario {
	idx := len(ss.truth.Scenarios)
	ss.g.scenario = idx
	conns := build()
	var kept []conn
	for _, c := range conns {
		if c.start >= ss.s.start && c.end <= ss.g.lastEnd {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		return &Scenario{} // the window is too short or at the wrong time of day for it
	}
	ss.truth.Scenarios = append(ss.truth.Scenarios, Scenario{
		ID: fmt.Sprintf("S%02d-%s", idx+1, kind), Kind: kind, Tactic: tactic, Technique: technique, Description: desc,
	})
	sc := &ss.truth.Scenarios[idx]
	summarize(sc, kept)
	ss.s.scenConns = append(ss.s.scenConns, kept...)
	return sc
}

func (ss *scenarioSet) desktop(i int) *workload { return ss.desk[i%len(ss.desk)] }

// scenarios builds every scenario and returns the truth that lists them.
func (s *sim) scenarios() *Truth {
	t := &Truth{Seed: s.cfg.Seed, Start: time.UnixMicro(s.start).UTC(), End: time.UnixMicro(s.end).UTC(),
		Workloads: len(s.est.workloads), Scenarios: []Scenario{}}
	t.SanctionedLLM = SanctionedLLM{Provider: sanctionedLLM, Domains: []string{llmAzureOAI.domain},
		IPs:  []string{llmAzureOAI.ip.String()},
		Note: "the CRM app tier's use of Azure OpenAI is approved; every other LLM provider is Shadow LLM use"}
	ss := &scenarioSet{s: s, g: s.sc, truth: t}
	for _, w := range s.roles.desktops {
		if w.site.cloud == onprem {
			ss.desk = append(ss.desk, w)
		}
	}
	ss.lateral()
	ss.remoteAccess()
	ss.bruteForce()
	ss.scans()
	ss.beacons()
	ss.exfiltration()
	ss.shadowLLM()
	ss.legacy()
	slices.SortStableFunc(s.scenConns, func(a, b conn) int {
		switch {
		case a.start < b.start:
			return -1
		case a.start > b.start:
			return 1
		}
		return 0
	})
	return t
}

// lateral: a compromised workstation sweeps the estate over SMB, then RDPs into
// servers it never talked to before.
func (ss *scenarioSet) lateral() {
	g, e := ss.g, ss.s.est
	src := ss.desktop(2)
	ss.add("lateral-smb", "TA0008", "T1021.002",
		src.name+" (compromised) connects over SMB to most of the estate within half an hour", func() []conn {
			var out []conn
			t := ss.at(0.80)
			var targets []*workload
			for _, w := range e.workloads {
				if w != src && (w.site.cloud == onprem || w.site.loc == "eastus") {
					targets = append(targets, w)
				}
			}
			step := ss.span(25*time.Minute, 0.2) / int64(len(targets)+1)
			for _, w := range targets {
				for range 1 + g.r.IntN(2) {
					at := g.at(t, step)
					switch {
					case w.site.cloud == azure && !w.windows:
						out = append(out, g.attempt(at, wl(src), wl(w), 445, denied))
					case w.windows:
						out = append(out, g.tcp(at, wl(src), wl(w), 445, g.between(0.2, 8), uint64(g.between(2e3, 60e3)), uint64(g.between(2e3, 30e3))))
					default:
						out = append(out, g.attempt(at, wl(src), wl(w), 445, reset))
					}
				}
				t += step
			}
			return out
		})
	var rdpTargets []*workload
	for _, name := range []string{"Billing-Prod-App1", "CRM-Prod-DB1", "HQ-FS1"} {
		if w := e.find(name); w != nil {
			rdpTargets = append(rdpTargets, w)
		}
	}
	ss.add("lateral-rdp", "TA0008", "T1021.001",
		src.name+" opens RDP sessions to servers across three sites", func() []conn {
			var out []conn
			t := ss.at(0.83)
			for _, w := range rdpTargets {
				out = append(out, g.tcp(t, wl(src), wl(w), 3389, g.between(1200, 3000), uint64(g.between(500e3, 3e6)), uint64(g.between(5e6, 40e6))))
				t += ss.span(12*time.Minute, 0.05)
			}
			return out
		})
}

// remoteAccess: a RustDesk client phoning its relay, and VNC exposed to the internet.
func (ss *scenarioSet) remoteAccess() {
	g := ss.g
	user := ss.desktop(6)
	ss.add("remote-access-rustdesk", "TA0011", "T1219",
		user.name+" runs RustDesk: heartbeats to the rendezvous server and relayed sessions", func() []conn {
			var out []conn
			from := ss.at(0.66)
			to := from + ss.span(2*time.Hour, 0.1)
			relay := g.rm(remRust)
			out = append(out, g.tcp(from, wl(user), relay, 21115, 0.3, 120, 90))
			for t := from; t < to; t += 30*usPerSec + g.r.Int64N(2*usPerSec) {
				c := g.udp(t, wl(user), relay, 21116, 80, 60)
				out = append(out, c)
			}
			for t := from + 5*60*usPerSec; t < to; t += 40 * 60 * usPerSec {
				out = append(out, g.tcp(t, wl(user), relay, 21117, g.between(1200, 2200), uint64(g.between(2e6, 8e6)), uint64(g.between(20e6, 120e6))))
			}
			return out
		})
	if target := ss.s.est.find("Billing-Dev-App1"); target != nil {
		ss.add("remote-access-vnc", "TA0011", "T1219",
			"an operator on the internet controls "+target.name+" over VNC", func() []conn {
				var out []conn
				t := ss.at(0.55)
				for range 4 {
					out = append(out, g.tcp(t, g.rm(remVNC), wl(target), 5900, g.between(600, 2400), uint64(g.between(100e3, 1e6)), uint64(g.between(5e6, 60e6))))
					t += ss.span(45*time.Minute, 0.03)
				}
				return out
			})
	}
}

// bruteForce: password guessing against the AWS bastion (SSH) and the Azure jump
// host (RDP) from known-bad addresses.
func (ss *scenarioSet) bruteForce() {
	g, e := ss.g, ss.s.est
	if bastion := ss.s.roles.bastion; bastion != nil {
		ss.add("brute-force-ssh", "TA0006", "T1110.001",
			"three known-bad addresses guess SSH passwords on "+bastion.name+"; the last one gets in", func() []conn {
				var out []conn
				from := ss.at(0.58)
				gap := max(ss.span(3*time.Hour, 0.1)/250, usPerSec)
				for k, rm := range []*remote{remSSH1, remSSH2, remSSH3} {
					t := from + int64(k)*gap/3
					for range 250 {
						out = append(out, g.tcp(t, g.rm(rm), wl(bastion), 22, g.between(1, 4), uint64(g.between(1500, 3000)), uint64(g.between(2000, 4000))))
						t += gap/2 + g.r.Int64N(gap)
					}
					if k == 2 {
						out = append(out, g.tcp(t, g.rm(rm), wl(bastion), 22, g.between(900, 2400), uint64(g.between(50e3, 400e3)), uint64(g.between(200e3, 4e6))))
					}
				}
				return out
			})
	}
	if jump := ss.s.roles.azJump; jump != nil {
		var closed []*workload
		for _, w := range e.workloads {
			if w.site.loc == "eastus" && w != jump && len(closed) < 4 {
				closed = append(closed, w)
			}
		}
		ss.add("brute-force-rdp", "TA0006", "T1110.001",
			"two known-bad addresses guess RDP passwords on "+jump.name+" and probe RDP on other VMs (denied)", func() []conn {
				var out []conn
				from := ss.at(0.70)
				gap := max(ss.span(2*time.Hour, 0.08)/300, usPerSec)
				for k, rm := range []*remote{remRDP1, remRDP2} {
					t := from + int64(k)*gap/2
					for i := range 400 {
						if i%4 == 3 && len(closed) > 0 {
							out = append(out, g.attempt(t, g.rm(rm), wl(closed[i%len(closed)]), 3389, denied))
						} else {
							out = append(out, g.tcp(t, g.rm(rm), wl(jump), 3389, g.between(0.5, 3), uint64(g.between(2500, 5000)), uint64(g.between(3000, 8000))))
						}
						t += gap/2 + g.r.Int64N(gap)
					}
				}
				return out
			})
	}
}

// scans: a compromised Kubernetes node sweeps its VPC for Redis (horizontal), an
// internet scanner walks the ports of a web server (vertical), and Tomcat AJP
// connectors are probed from the internet.
func (ss *scenarioSet) scans() {
	g, e := ss.g, ss.s.est
	var node *workload
	for _, w := range ss.s.roles.k8s {
		if w.site.cloud == aws {
			node = w
			break
		}
	}
	if node != nil {
		base := node.site.cidr.Addr().As4()
		sc := ss.add("scan-horizontal", "TA0007", "T1046",
			node.name+" (compromised pod) sweeps four subnets of its VPC on TCP 6379", func() []conn {
				var out []conn
				t := ss.at(0.75)
				step := max(ss.span(20*time.Minute, 0.02)/1020, 1000)
				for sub := 1; sub <= 4; sub++ {
					for host := 1; host < 256; host++ {
						ip := netip.AddrFrom4([4]byte{base[0], base[1], byte(sub), byte(host)})
						if ip == node.ip {
							continue
						}
						dst := endpoint{ip: ip, w: e.byIP[ip]}
						o := unanswered
						if dst.w != nil {
							o = reset
						}
						out = append(out, g.attempt(t, wl(node), dst, 6379, o))
						t += step
					}
				}
				return out
			})
		sc.Destinations = []string{fmt.Sprintf("%d.%d.1.0/24", base[0], base[1]), fmt.Sprintf("%d.%d.2.0/23", base[0], base[1]),
			fmt.Sprintf("%d.%d.4.0/24", base[0], base[1])}
	}
	if web := e.find("Billing-Prod-Web1"); web != nil {
		ss.add("scan-vertical", "TA0007", "T1046",
			"a known scanner walks ports 1–1024 and common service ports of "+web.name, func() []conn {
				var out []conn
				t := ss.at(0.60)
				ports := []int{1433, 3306, 3389, 5432, 5900, 6379, 8009, 8080, 8443, 9200, 27017}
				for p := 1; p <= 1024; p++ {
					ports = append(ports, p)
				}
				slices.Sort(ports)
				step := max(ss.span(15*time.Minute, 0.02)/int64(len(ports)), 1000)
				src := g.rm(remScan)
				for _, p := range ports {
					if p == 80 || p == 443 {
						out = append(out, g.tcp(t, src, wl(web), uint16(p), 0.05, 120, 400))
					} else {
						out = append(out, g.attempt(t, src, wl(web), uint16(p), denied))
					}
					t += step
				}
				return out
			})
	}
	var webs []*workload
	for _, w := range ss.s.roles.webs {
		if w.site.cloud == aws || w.site.cloud == azure {
			webs = append(webs, w)
		}
	}
	ss.add("ajp-probe", "TA0001", "T1190",
		"internet scanners probe the Tomcat AJP connector (8009, Ghostcat) of the web tier; AWS lets it through", func() []conn {
			var out []conn
			for k, rm := range []*remote{remAJP1, remAJP2, remAJP3} {
				for _, w := range webs {
					for range 3 + g.r.IntN(4) {
						at := ss.at(0.5 + 0.45*g.r.Float64() + float64(k)*0.001)
						if w.site.cloud == aws {
							out = append(out, g.tcp(at, g.rm(rm), wl(w), 8009, g.between(0.05, 0.5), 64, uint64(g.between(40, 200))))
						} else {
							out = append(out, g.attempt(at, g.rm(rm), wl(w), 8009, denied))
						}
					}
				}
			}
			return out
		})
}

// beacons: implants calling home at a steady interval with jitter and similar sizes.
func (ss *scenarioSet) beacons() {
	g := ss.g
	beacon := func(src *workload, rm *remote, port uint16, from, span, every int64, jitter float64, out0, in0 float64) []conn {
		var out []conn
		dst := g.rm(rm)
		for t := from; t < from+span; {
			c := g.tcp(t, wl(src), dst, port, g.between(0.3, 1.2), uint64(out0*(0.95+0.1*g.r.Float64())), uint64(in0*(0.95+0.1*g.r.Float64())))
			c.domain, c.tls = rm.domain, true
			out = append(out, c)
			t += int64(float64(every) * (1 - jitter + 2*jitter*g.r.Float64()))
		}
		return out
	}
	host := ss.desktop(10)
	sc := ss.add("beaconing", "TA0011", "T1071.001",
		host.name+" beacons over HTTPS to a C2 domain every 60 s ± 10%", func() []conn {
			return beacon(host, remC2a, 443, ss.at(0.55), ss.span(18*time.Hour, 0.4), 60*usPerSec, 0.1, 1200, 3400)
		})
	sc.Expect.IntervalSecs = 60
	if app := ss.s.est.find("Billing-Prod-App1"); app != nil {
		sc := ss.add("beaconing", "TA0011", "T1071.001",
			app.name+" beacons to a C2 server on 8443 every 300 s ± 5%", func() []conn {
				return beacon(app, remC2b, 8443, ss.at(0.5), ss.span(20*time.Hour, 0.45), 300*usPerSec, 0.05, 900, 2100)
			})
		sc.Expect.IntervalSecs = 300
	}
}

// exfiltration: a slow drip and bursts to countries the estate never talks to, and
// a bulk transfer between Azure regions.
func (ss *scenarioSet) exfiltration() {
	g, e := ss.g, ss.s.est
	transfer := func(src *workload, rm *remote, n int, from, span int64, lo, hi, dlo, dhi float64) []conn {
		var out []conn
		dst := g.rm(rm)
		for range n {
			c := g.tcp(g.at(from, span), wl(src), dst, 443, g.between(dlo, dhi), uint64(g.between(lo, hi)), uint64(g.between(5e3, 40e3)))
			c.domain, c.tls = rm.domain, true
			out = append(out, c)
		}
		return out
	}
	if db := e.find("CRM-Prod-DB1"); db != nil {
		ss.add("exfil-slow-drip", "TA0010", "T1048",
			db.name+" sends 4–12 MB to a server in Russia about every 12 minutes", func() []conn {
				var out []conn
				dst := g.rm(remDrip)
				from := ss.at(0.52)
				for t := from; t < from+ss.span(20*time.Hour, 0.42); t += int64(float64(12*60*usPerSec) * (0.7 + 0.6*g.r.Float64())) {
					c := g.tcp(t, wl(db), dst, 443, g.between(20, 90), uint64(g.between(4e6, 12e6)), uint64(g.between(5e3, 20e3)))
					c.domain, c.tls = remDrip.domain, true
					out = append(out, c)
				}
				return out
			})
	}
	if db := e.find("Analytics-Prod-DB1"); db != nil {
		ss.add("exfil-burst", "TA0010", "T1048",
			db.name+" uploads about 7 GB to an address in Iran within 40 minutes", func() []conn {
				return transfer(db, remBurst, 12, ss.at(0.88), ss.span(40*time.Minute, 0.03), 300e6, 900e6, 60, 400)
			})
	}
	if db := e.find("ERP-Prod-DB1"); db != nil {
		ss.add("exfil-burst", "TA0010", "T1048",
			db.name+" uploads about 3 GB to an address in China within 30 minutes", func() []conn {
				return transfer(db, remBurst2, 8, ss.at(0.93), ss.span(30*time.Minute, 0.03), 200e6, 600e6, 60, 300)
			})
	}
	if db, bk := e.find("CRM-Prod-DB1"), e.find("Backup-WEU-1"); db != nil && bk != nil {
		ss.add("cross-region-transfer", "TA0010", "T1537",
			"bulk copy of about 60 GB from East US to West Europe in the afternoon, outside the nightly backup window", func() []conn {
				var out []conn
				from, span := ss.at(0.72), ss.span(2*time.Hour, 0.05)
				for range 30 {
					out = append(out, g.tcp(g.at(from, span), wl(db), wl(bk), 443, g.between(300, 1800), uint64(g.between(1e9, 3e9)), uint64(g.between(100e3, 1e6))))
				}
				return out
			})
	}
}

// shadowLLM: people and services using LLM providers nobody approved.
func (ss *scenarioSet) shadowLLM() {
	g, e := ss.g, ss.s.est
	providers := []struct {
		name  string
		rms   []*remote
		users []*workload
	}{
		{"OpenAI", []*remote{llmChatGPT, llmOpenAI}, []*workload{ss.desktop(0), ss.desktop(1), ss.desktop(3), e.find("AVD-WS-01"), e.find("Billing-Prod-App2")}},
		{"Anthropic", []*remote{llmClaude, llmClaudeAP}, []*workload{ss.desktop(4), ss.desktop(5), e.find("Billing-Dev-App1")}},
		{"Google Gemini", []*remote{llmGemini, llmGenLang}, []*workload{ss.desktop(7), ss.desktop(9), e.find("Analytics-Prod-App1")}},
		{"xAI Grok", []*remote{llmGrok, llmXAI}, []*workload{ss.desktop(8), ss.desktop(11)}},
	}
	for _, p := range providers {
		sc := ss.add("shadow-llm", "TA0010", "T1567",
			"unsanctioned use of "+p.name+" from desktops and servers", func() []conn {
				var out []conn
				from := ss.at(0.5)
				// People use them in working hours; a window shorter than a day may
				// have none, and then they work late.
				busy := 0.9
				if ss.s.end-ss.s.start < 24*usPerHour {
					busy = 0
				}
				for h := from - from%usPerHour; h < ss.s.end; h += usPerHour {
					for i, w := range p.users {
						if w == nil || activity(w.site, h) < busy {
							continue
						}
						// Desktops use the chat site, servers the API.
						rm := p.rms[0]
						if w.role != "desktop" {
							rm = p.rms[1]
						} else if i%2 == 1 {
							rm = p.rms[g.r.IntN(2)]
						}
						for range 2 + g.r.IntN(6) {
							c := g.tcp(g.at(h, usPerHour), wl(w), g.rm(rm), 443, g.between(1, 90), uint64(g.between(5e3, 300e3)), uint64(g.between(5e3, 150e3)))
							c.domain, c.tls = rm.domain, true
							out = append(out, c)
						}
					}
				}
				return out
			})
		sc.Expect.Provider = p.name
	}
}

// legacy: cleartext protocols to the internet: Telnet from a jump host, FTP uploads
// from an app server.
func (ss *scenarioSet) legacy() {
	g := ss.g
	if jump := ss.s.roles.hqJump; jump != nil {
		ss.add("telnet", "TA0008", "T1021",
			jump.name+" opens Telnet sessions to a host on the internet", func() []conn {
				var out []conn
				t := ss.at(0.68)
				for range 3 {
					out = append(out, g.tcp(t, wl(jump), g.rm(remTelnet), 23, g.between(120, 600), uint64(g.between(2e3, 20e3)), uint64(g.between(5e3, 80e3))))
					t += ss.span(50*time.Minute, 0.03)
				}
				return out
			})
	}
	if apps := ss.s.roles.appsOf["billing"]; len(apps) > 0 {
		app := apps[len(apps)-1]
		ss.add("ftp", "TA0010", "T1048.003",
			app.name+" uploads files over FTP (control and passive data connections) to a known-bad server", func() []conn {
				var out []conn
				t := ss.at(0.77)
				dst := g.rm(remFTP)
				ctl := g.tcp(t, wl(app), dst, 21, 900, 3e3, 6e3)
				ctl.domain = remFTP.domain
				out = append(out, ctl)
				for k := range 5 {
					out = append(out, g.tcp(t+int64(k+1)*100*usPerSec, wl(app), dst, uint16(50000+g.r.IntN(100)), g.between(20, 90), uint64(g.between(20e6, 80e6)), uint64(g.between(20e3, 100e3))))
				}
				return out
			})
	}
}
