package simulate

import "time"

// roles indexes the estate's workloads by what they do, for the traffic generators.
type roles struct {
	desktops   []*workload
	webs       []*workload
	k8s        []*workload
	servers    []*workload // everything but desktops
	dnsServer  *workload
	ntpServer  *workload
	fileServer *workload
	backup     *workload
	hqDCs      []*workload
	azDC       *workload
	hqJump     *workload
	azJump     *workload
	bastion    *workload
	appsOf     map[string][]*workload // app name → app tier, in estate order
	dbOf       map[string]*workload   // app name → first prod database
}

func newRoles(e *estate) roles {
	r := roles{appsOf: map[string][]*workload{}, dbOf: map[string]*workload{}}
	for _, w := range e.workloads {
		switch w.role {
		case "desktop":
			r.desktops = append(r.desktops, w)
		case "web":
			r.webs = append(r.webs, w)
		case "k8s-node":
			r.k8s = append(r.k8s, w)
		case "dns":
			r.dnsServer = w
		case "ntp":
			r.ntpServer = w
		case "file":
			r.fileServer = w
		case "backup":
			if w.site.cloud == onprem {
				r.backup = w
			}
		case "dc":
			if w.site.cloud == onprem {
				r.hqDCs = append(r.hqDCs, w)
			} else {
				r.azDC = w
			}
		case "jump":
			switch w.site.cloud {
			case onprem:
				r.hqJump = w
			case azure:
				r.azJump = w
			case aws:
				r.bastion = w
			}
		case "app":
			if w.env == "prod" {
				r.appsOf[w.app] = append(r.appsOf[w.app], w)
			}
		case "db":
			if w.env == "prod" && r.dbOf[w.app] == nil {
				r.dbOf[w.app] = w
			}
		}
		if w.role != "desktop" {
			r.servers = append(r.servers, w)
		}
	}
	return r
}

// dbPort is the database port of each app's database engine.
var dbPort = map[string]uint16{"crm": 1433, "billing": 5432, "erp": 3306, "analytics": 5432}

// activity is how busy a site is in the hour starting at us: people work by day in
// their own time zone, less in the evening and at weekends, little at night.
func activity(st *site, us int64) float64 {
	local := time.Unix(us/usPerSec+st.utcOffset*3600, 0).UTC()
	h := local.Hour()
	a := 0.1
	switch {
	case h >= 8 && h < 18:
		a = 1
	case h >= 7 && h < 21:
		a = 0.4
	}
	if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
		a = 0.1 + a*0.2
	}
	return a
}

// nightly reports whether us falls in the site's backup window (01:00–04:00 local).
func nightly(st *site, us int64) bool {
	h := time.Unix(us/usPerSec+st.utcOffset*3600, 0).UTC().Hour()
	return h >= 1 && h < 4
}

// background appends one hour of ordinary traffic to s.batch.
func (s *sim) background(hour int64) {
	g := s.bg
	rate := s.cfg.Rate
	for _, w := range s.roles.desktops {
		act := activity(w.site, hour)
		for range g.count(45 * act * rate) {
			s.desktopSession(w, g.at(hour, usPerHour))
		}
		if w.site.cloud == onprem && s.roles.ntpServer != nil {
			s.add(g.udp(g.at(hour, usPerHour), wl(w), wl(s.roles.ntpServer), 123, 76, 76))
		}
		if w.admin && g.r.Float64() < 0.5*act*rate {
			s.adminSession(w, g.at(hour, usPerHour))
		}
	}
	for _, w := range s.roles.webs {
		s.webTier(w, hour, rate)
	}
	for _, w := range s.roles.servers {
		s.serverChores(w, hour, rate)
	}
	s.k8sTraffic(hour, rate)
	s.replication(hour, rate)
}

func (s *sim) add(c conn) { s.batch = append(s.batch, c) }

// desktopSession is one thing a user does: browse SaaS, use an internal app, log
// on (Kerberos, LDAP), open a share, fetch updates.
func (s *sim) desktopSession(w *workload, at int64) {
	g := s.bg
	src := wl(w)
	dc := s.dcFor(w)
	switch p := g.r.IntN(100); {
	case p < 45:
		rm := saas[g.r.IntN(len(saas))]
		c := g.tcp(at, src, g.rm(rm), 443, g.between(0.5, 120), uint64(g.between(2e3, 40e3)), uint64(g.between(8e3, 3e6)))
		c.domain, c.tls = rm.domain, true
		s.add(c)
	case p < 60 && len(s.roles.webs) > 0:
		web := s.roles.webs[g.r.IntN(len(s.roles.webs))]
		c := g.tcp(at, src, wl(web), 443, g.between(0.3, 60), uint64(g.between(2e3, 20e3)), uint64(g.between(10e3, 600e3)))
		c.tls = true
		s.add(c)
	case p < 68 && dc != nil:
		s.add(g.tcp(at, src, wl(dc), 88, g.between(0.01, 0.2), uint64(g.between(1400, 3000)), uint64(g.between(1500, 4000))))
	case p < 75 && dc != nil:
		s.add(g.tcp(at, src, wl(dc), 389, g.between(0.05, 2), uint64(g.between(600, 4000)), uint64(g.between(1e3, 30e3))))
	case p < 85 && s.roles.fileServer != nil && w.site.cloud == onprem:
		s.add(g.tcp(at, src, wl(s.roles.fileServer), 445, g.between(1, 900), uint64(g.between(5e3, 5e6)), uint64(g.between(20e3, 30e6))))
	case p < 89 && dc != nil:
		s.add(g.tcp(at, src, wl(dc), 445, g.between(0.2, 5), uint64(g.between(2e3, 10e3)), uint64(g.between(5e3, 200e3))))
	case p < 93:
		c := g.tcp(at, src, g.rm(updWindows), 443, g.between(2, 300), uint64(g.between(3e3, 30e3)), uint64(g.between(100e3, 60e6)))
		c.domain, c.tls = updWindows.domain, true
		s.add(c)
	default:
		rm := saas[g.r.IntN(len(saas))]
		c := g.tcp(at, src, g.rm(rm), 443, g.between(0.5, 30), uint64(g.between(1e3, 10e3)), uint64(g.between(3e3, 200e3)))
		c.domain, c.tls = rm.domain, true
		s.add(c)
	}
}

// dcFor is the domain controller a desktop logs on to: the closest one.
func (s *sim) dcFor(w *workload) *workload {
	if w.site.cloud == azure && s.roles.azDC != nil {
		return s.roles.azDC
	}
	if len(s.roles.hqDCs) > 0 {
		return s.roles.hqDCs[w.idx%len(s.roles.hqDCs)]
	}
	return nil
}

// adminSession is IT staff at work: RDP to a jump host, SSH to the AWS bastion.
func (s *sim) adminSession(w *workload, at int64) {
	g := s.bg
	src := wl(w)
	if g.r.IntN(2) == 0 {
		jump := s.roles.hqJump
		if w.site.cloud == azure || g.r.IntN(3) == 0 {
			jump = s.roles.azJump
		}
		if jump != nil {
			s.add(g.tcp(at, src, wl(jump), 3389, g.between(300, 3000), uint64(g.between(200e3, 3e6)), uint64(g.between(2e6, 60e6))))
		}
		return
	}
	if s.roles.bastion != nil {
		s.add(g.tcp(at, src, wl(s.roles.bastion), 22, g.between(60, 2400), uint64(g.between(5e3, 200e3)), uint64(g.between(10e3, 2e6))))
	}
}

// webTier is the customers of a web server and the calls they cause: web → app
// → database.
func (s *sim) webTier(web *workload, hour int64, rate float64) {
	g := s.bg
	act := activity(web.site, hour)
	apps := s.roles.appsOf[web.app]
	db := s.roles.dbOf[web.app]
	n := g.count(100 * (0.15 + act) * rate)
	for range n {
		at := g.at(hour, usPerHour)
		users := userBlocks[g.r.IntN(len(userBlocks))]
		c := g.tcp(at, g.rm(users), wl(web), 443, g.between(0.2, 40), uint64(g.between(800, 12e3)), uint64(g.between(4e3, 400e3)))
		c.tls = true
		s.add(c)
		if len(apps) == 0 || g.r.IntN(10) >= 6 {
			continue
		}
		app := apps[g.r.IntN(len(apps))]
		call := g.tcp(at+2000, wl(web), wl(app), 8443, g.between(0.01, 2), uint64(g.between(500, 8e3)), uint64(g.between(1e3, 80e3)))
		call.tls = true
		s.add(call)
		if db != nil && g.r.IntN(10) < 8 {
			s.add(g.tcp(at+4000, wl(app), wl(db), dbPort[web.app], g.between(0.005, 1), uint64(g.between(300, 4e3)), uint64(g.between(500, 200e3))))
		}
	}
	// The internet knocks on every exposed server: scanners and crawlers, most of it
	// dropped by the security group or NSG.
	s.noise(web, hour, rate, 8)
}

var noisePorts = []uint16{22, 23, 80, 443, 445, 1433, 3306, 3389, 5900, 6379, 8080, 8443, 9200}

// noise is internet background radiation hitting a cloud workload.
func (s *sim) noise(w *workload, hour int64, rate, mean float64) {
	if w.site.cloud == onprem {
		return // behind the perimeter firewall; the sensor inside does not see it
	}
	g := s.bg
	for range g.count(mean * rate) {
		at := g.at(hour, usPerHour)
		scanner := scannerBlocks[g.r.IntN(len(scannerBlocks))]
		port := noisePorts[g.r.IntN(len(noisePorts))]
		if w.role == "web" && (port == 80 || port == 443) {
			s.add(g.tcp(at, g.rm(scanner), wl(w), port, g.between(0.05, 1), uint64(g.between(200, 800)), uint64(g.between(300, 5e3))))
			continue
		}
		s.add(g.attempt(at, g.rm(scanner), wl(w), port, denied))
	}
}

// serverChores is what every server does by itself: time, updates, its own calls.
func (s *sim) serverChores(w *workload, hour int64, rate float64) {
	g := s.bg
	src := wl(w)
	at := g.at(hour, usPerHour)
	switch {
	case w.site.cloud == onprem && w.role == "ntp":
		s.add(g.udp(at, src, g.rm(ntpCF), 123, 76, 76))
	case w.site.cloud == onprem && s.roles.ntpServer != nil:
		s.add(g.udp(at, src, wl(s.roles.ntpServer), 123, 76, 76))
	case w.site.cloud == gcp || !w.windows && g.r.IntN(4) == 0:
		c := g.udp(at, src, g.rm(ntpUbuntu), 123, 76, 76)
		c.domain = ntpUbuntu.domain
		s.add(c)
	}
	if w.role == "dns" {
		for range g.count(12 * rate) {
			up := dnsGoogle
			if g.r.IntN(3) == 0 {
				up = dnsCF
			}
			s.add(g.udp(g.at(hour, usPerHour), src, g.rm(up), 53, uint64(g.between(70, 120)), uint64(g.between(90, 400))))
		}
	}
	// Updates, mostly at night.
	p := 0.04
	if nightly(w.site, hour) {
		p = 0.3
	}
	if g.r.Float64() < p*rate {
		rm := updateSource(w)
		c := g.tcp(g.at(hour, usPerHour), src, g.rm(rm), 443, g.between(5, 600), uint64(g.between(5e3, 50e3)), uint64(g.between(1e6, 150e6)))
		c.domain, c.tls = rm.domain, true
		s.add(c)
	}
	if w.role == "app" && w.app == "crm" && w.env == "prod" {
		// The sanctioned LLM: the CRM summarises tickets with Azure OpenAI.
		for range g.count(8 * activity(w.site, hour) * rate) {
			c := g.tcp(g.at(hour, usPerHour), src, g.rm(llmAzureOAI), 443, g.between(0.5, 20), uint64(g.between(2e3, 40e3)), uint64(g.between(1e3, 20e3)))
			c.domain, c.tls = llmAzureOAI.domain, true
			s.add(c)
		}
	}
	if w.role != "web" && w.role != "desktop" && (w.role == "jump" || w.site.cloud != onprem) {
		s.noise(w, hour, rate, 3)
	}
}

// updateSource is where w fetches its patches from.
func updateSource(w *workload) *remote {
	switch {
	case w.windows:
		return updWindows
	case w.site.cloud == aws:
		if w.idx%2 == 0 {
			return updYum
		}
		return updS3
	case w.site.cloud == azure:
		return updUbuntu
	case w.site.cloud == gcp:
		return updGCP
	}
	return updUbuntu
}

// k8sTraffic is the chatter of the Kubernetes nodes: kubelet, API server, overlay,
// image pulls.
func (s *sim) k8sTraffic(hour int64, rate float64) {
	g := s.bg
	for _, a := range s.roles.k8s {
		var peers []*workload
		for _, b := range s.roles.k8s {
			if b != a && b.site == a.site {
				peers = append(peers, b)
			}
		}
		if len(peers) == 0 {
			continue
		}
		for range g.count(10 * rate) {
			b := peers[g.r.IntN(len(peers))]
			port := []uint16{10250, 6443, 2379}[g.r.IntN(3)]
			c := g.tcp(g.at(hour, usPerHour), wl(a), wl(b), port, g.between(0.05, 30), uint64(g.between(500, 50e3)), uint64(g.between(500, 200e3)))
			c.tls = true
			s.add(c)
		}
		for range g.count(12 * rate) {
			b := peers[g.r.IntN(len(peers))]
			c := g.udp(g.at(hour, usPerHour), wl(a), wl(b), 4789, uint64(g.between(1e3, 500e3)), uint64(g.between(1e3, 500e3)))
			c.sport = 4789
			c.end = c.start + int64(g.between(1, 600)*float64(usPerSec))
			g.clamp(&c)
			s.add(c)
		}
		if g.r.IntN(3) == 0 {
			c := g.tcp(g.at(hour, usPerHour), wl(a), g.rm(registry), 443, g.between(1, 60), uint64(g.between(5e3, 50e3)), uint64(g.between(1e6, 200e6)))
			c.domain, c.tls = registry.domain, true
			s.add(c)
		}
	}
}

// replication is the estate's own cross-site traffic: domain controllers, database
// log shipping to the DR region, the nightly backup to West Europe.
func (s *sim) replication(hour int64, rate float64) {
	g := s.bg
	dcs := append([]*workload(nil), s.roles.hqDCs...)
	if s.roles.azDC != nil {
		dcs = append(dcs, s.roles.azDC)
	}
	for i, a := range dcs {
		for _, b := range dcs[i+1:] {
			for range g.count(2 * rate) {
				s.add(g.tcp(g.at(hour, usPerHour), wl(a), wl(b), 135, g.between(0.01, 0.1), 200, 300))
				s.add(g.tcp(g.at(hour, usPerHour), wl(a), wl(b), 49668, g.between(0.5, 20), uint64(g.between(5e3, 400e3)), uint64(g.between(5e3, 400e3))))
			}
		}
	}
	if db, dr := s.est.find("Billing-Prod-DB1"), s.est.find("Billing-DR-DB1"); db != nil && dr != nil {
		for range g.count(3 * rate) {
			s.add(g.tcp(g.at(hour, usPerHour), wl(db), wl(dr), 5432, g.between(5, 300), uint64(g.between(1e6, 20e6)), uint64(g.between(5e3, 50e3))))
		}
	}
	if db, bk := s.est.find("CRM-Prod-DB1"), s.est.find("Backup-WEU-1"); db != nil && bk != nil && nightly(db.site, hour) {
		for range g.count(2 * rate) {
			s.add(g.tcp(g.at(hour, usPerHour), wl(db), wl(bk), 443, g.between(300, 1800), uint64(g.between(100e6, 400e6)), uint64(g.between(50e3, 500e3))))
		}
	}
	if bk := s.roles.backup; bk != nil && nightly(bk.site, hour) {
		for _, name := range []string{"HQ-FS1", "ERP-Prod-DB1"} {
			if t := s.est.find(name); t != nil {
				for range g.count(2 * rate) {
					s.add(g.tcp(g.at(hour, usPerHour), wl(bk), wl(t), 10000, g.between(300, 2400), uint64(g.between(50e3, 500e3)), uint64(g.between(200e6, 1.5e9))))
				}
			}
		}
	}
}
