package simulate

import (
	"math/rand/v2"
	"slices"
)

// Stream numbers of the seeded PCGs: each part of the output draws from its own, so
// that a change to one part does not reshuffle the others.
const (
	streamEstate = iota + 1
	streamScenario
	streamBackground
	streamIDs
	streamIntel
)

// sim is one run: the estate, the generators and the writers.
type sim struct {
	cfg        Config
	start, end int64
	est        *estate
	bg, sc     *gen
	scenConns  []conn
	truth      *Truth
	fs         *fileSet
	aws        *awsWriter
	az         *azureWriter
	gcp        *gcpWriter
	zeek       *zeekWriter
	r53        *route53Writer
	dnsSeen    map[dnsKey]int64
	hour       int64
	batch      []conn
	roles      roles
}

type dnsKey struct {
	client int
	domain string
}

func rng(seed uint64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream*0x9E3779B97F4A7C15))
}

func newSim(cfg Config) *sim {
	end := micros(cfg.End)
	start := end - int64(cfg.Hours)*usPerHour
	s := &sim{cfg: cfg, start: start, end: end, dnsSeen: map[dnsKey]int64{}}
	s.est = newEstate(rng(cfg.Seed, streamEstate), cfg.Workloads)
	for i, st := range s.est.sites {
		st.idx = i
	}
	s.roles = newRoles(s.est)
	s.bg = newGen(rng(cfg.Seed, streamBackground), start, end)
	s.sc = newGen(rng(cfg.Seed, streamScenario), start, end)
	s.fs = newFileSet(cfg.Out)
	ids := rng(cfg.Seed, streamIDs)
	s.aws = &awsWriter{fs: s.fs, est: s.est, seed: cfg.Seed}
	s.az = &azureWriter{fs: s.fs, est: s.est}
	s.gcp = &gcpWriter{fs: s.fs, est: s.est, r: ids}
	s.zeek = &zeekWriter{fs: s.fs, r: ids}
	s.r53 = &route53Writer{fs: s.fs, est: s.est, seed: cfg.Seed}
	s.fs.renderers = [numFormats]renderer{s.aws, s.az, s.gcp, s.zeek, s.zeek, s.zeek, s.r53}
	return s
}

func (s *sim) run() (err error) {
	defer func() {
		if cerr := s.fs.close(); err == nil {
			err = cerr
		}
		if err == nil {
			s.truth.Files = s.summary()
			err = writeTruth(s.cfg.Out, s.truth)
		}
	}()
	s.truth = s.scenarios()
	if err := writeInventory(s.cfg.Out, s.est); err != nil {
		return err
	}
	if err := writeIntel(s.cfg.Out, rng(s.cfg.Seed, streamIntel), s.end); err != nil {
		return err
	}
	next := 0
	for h := 0; h < s.cfg.Hours; h++ {
		s.hour = s.start + int64(h)*usPerHour
		s.batch = s.batch[:0]
		s.background(s.hour)
		for next < len(s.scenConns) && s.scenConns[next].start < s.hour+usPerHour {
			s.batch = append(s.batch, s.scenConns[next])
			next++
		}
		slices.SortStableFunc(s.batch, func(a, b conn) int {
			switch {
			case a.start < b.start:
				return -1
			case a.start > b.start:
				return 1
			}
			return 0
		})
		for i := range s.batch {
			s.route(&s.batch[i])
		}
		s.nodata(s.hour)
		// Every line of this hour's files is written: connections of later hours start
		// later, and no writer dates a line before its connection began.
		if err := s.fs.flush(s.hour, false); err != nil {
			return err
		}
		s.fs.done = s.hour
	}
	return s.fs.flush(0, true)
}

// route hands c to every log that observes it: the cloud logs of each end that is a
// workload there, and the Zeek sensor when either end is on-prem.
func (s *sim) route(c *conn) {
	if c.domain != "" {
		s.resolve(c)
	}
	onpremSeen := false
	for i, e := range [2]endpoint{c.src, c.dst} {
		if e.w == nil {
			continue
		}
		atSrc := i == 0
		switch e.w.site.cloud {
		case aws:
			s.aws.add(c, e.w, atSrc)
		case azure:
			s.az.add(c, e.w, atSrc)
		case gcp:
			s.gcp.add(c, e.w, atSrc)
		case onprem:
			onpremSeen = true
		}
	}
	if onpremSeen {
		uid := s.zeek.conn(c)
		if c.tls && c.domain != "" && c.outcome == established {
			s.zeek.ssl(c, uid)
		}
	}
}

// resolve logs the DNS lookup that precedes c, once per client, domain and hour
// (the answer's TTL keeps it cached meanwhile): in Zeek's dns.log for on-prem and
// Azure clients, in Route 53 Resolver query logs for AWS ones.
func (s *sim) resolve(c *conn) {
	w := c.src.w
	if w == nil {
		return
	}
	key := dnsKey{w.idx, c.domain}
	if last, ok := s.dnsSeen[key]; ok && last == s.hour {
		return
	}
	s.dnsSeen[key] = s.hour
	at := max(c.start-2000-int64(c.sport%50)*1000, s.hour)
	switch w.site.cloud {
	case onprem, azure:
		// Azure workloads join the corporate domain and resolve through its DNS
		// servers on-prem, across the VPN: the site's sensor sees their queries too.
		server := s.roles.dnsServer
		if server == nil {
			return
		}
		q := conn{start: at, end: at + 800 + int64(c.sport%900), src: wl(w), dst: wl(server),
			sport: 50000 + c.sport%15000, dport: 53, proto: protoUDP, pkts: 1, bytes: uint64(60 + len(c.domain)),
			pktsRev: 1, bytesRev: uint64(76 + 2*len(c.domain)), outcome: established, scen: c.scen}
		uid := s.zeek.conn(&q)
		if w.site.cloud == azure {
			s.az.add(&q, w, true)
		}
		s.zeek.dns(&q, uid, c.domain, c.dst)
		// The resolver forwards what it has not cached to the public resolver.
		if c.sport%3 == 0 {
			f := q
			f.src, f.dst = wl(server), endpoint{ip: dnsGoogle.ip, r: dnsGoogle}
			f.sport = 20000 + c.sport%40000
			s.zeek.conn(&f)
		}
	case aws:
		s.r53.query(w, at, 40000+c.sport%20000, c.domain, c.dst)
	}
}

// nodata writes NODATA records for AWS interfaces with an idle capture window.
func (s *sim) nodata(hour int64) {
	for _, w := range s.est.workloads {
		if w.site.cloud != aws {
			continue
		}
		if s.bg.r.IntN(8) != 0 {
			continue
		}
		from := hour + int64(s.bg.r.IntN(5))*awsWindow
		s.aws.nodata(w, from, from+awsWindow)
	}
}

// summary lists files and lines per format for truth.json and the command.
func (s *sim) summary() []FormatCount {
	var out []FormatCount
	for f := format(0); f < numFormats; f++ {
		if s.fs.Files[f] == 0 {
			continue
		}
		out = append(out, FormatCount{Format: formatNames[f], Files: s.fs.Files[f], Lines: s.fs.Lines[f]})
	}
	return out
}
