package simulate

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// intelIPs are the scenario addresses a threat-intel feed lists: attackers, C2
// servers and the FTP drop. The exfiltration destinations are not on any list; a
// detector finds them by their country and volume.
var intelIPs = []*remote{remSSH1, remSSH2, remSSH3, remRDP1, remAJP1, remAJP2, remAJP3, remC2a, remC2b, remFTP}

// dropNets are the networks the DROP-style feed lists (the RDP brute forcer and the
// vertical scanner live in them).
var dropNets = []string{"194.26.29.0/24", "45.155.205.0/24"}

// writeIntel writes intel/weir-sim-level1.netset (FireHOL netset) and
// intel/drop.txt (Spamhaus DROP text), each with the scenario entries and noise.
func writeIntel(dir string, r *rand.Rand, end int64) error {
	if err := os.MkdirAll(filepath.Join(dir, "intel"), 0o755); err != nil {
		return fmt.Errorf("simulate: create intel directory: %w", err)
	}
	var entries []string
	for _, rm := range intelIPs {
		entries = append(entries, rm.ip.String())
	}
	for range 150 {
		entries = append(entries, noiseAddr(r).String())
	}
	for range 25 {
		b := noiseAddr(r).As4()
		entries = append(entries, fmt.Sprintf("%d.%d.%d.0/24", b[0], b[1], b[2]))
	}
	slices.SortFunc(entries, func(a, b string) int { return prefixOf(a).Addr().Compare(prefixOf(b).Addr()) })
	entries = slices.Compact(entries)
	when := time.UnixMicro(end).UTC()
	var b strings.Builder
	b.WriteString("#\n# weir_sim_level1\n#\n# ipv4 hash:net ipset\n#\n")
	b.WriteString("# Synthetic blocklist written by weir simulate: the attackers and C2\n")
	b.WriteString("# servers of the simulated scenarios, plus unrelated noise entries.\n#\n")
	fmt.Fprintf(&b, "# Source File Date: %s\n#\n", when.Format(time.RFC1123))
	b.WriteString("# Category        : attacks\n# Version         : 1\n#\n")
	fmt.Fprintf(&b, "# This File Date  : %s\n# Update Frequency: 1 day\n", when.Format(time.RFC1123))
	fmt.Fprintf(&b, "# Entries         : %d subnets, %d unique IPs\n#\n", 25, len(entries)-25)
	for _, e := range entries {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	if err := writeFile(filepath.Join(dir, "intel", "weir-sim-level1.netset"), b.String()); err != nil {
		return err
	}

	nets := append([]string(nil), dropNets...)
	for range 40 {
		p := noiseAddr(r).As4()
		bits := 20 + r.IntN(5)
		pfx, _ := netip.AddrFrom4(p).Prefix(bits)
		nets = append(nets, pfx.String())
	}
	slices.SortFunc(nets, func(a, b string) int { return prefixOf(a).Addr().Compare(prefixOf(b).Addr()) })
	nets = slices.Compact(nets)
	b.Reset()
	fmt.Fprintf(&b, "; Spamhaus-format DROP List %s - synthetic, written by weir simulate\n", when.Format("2006/01/02"))
	b.WriteString("; https://www.spamhaus.org/drop/drop.txt\n")
	fmt.Fprintf(&b, "; Last-Modified: %s\n", when.Add(-3*time.Hour).Format(time.RFC1123))
	fmt.Fprintf(&b, "; Expires: %s\n", when.Add(time.Hour).Format(time.RFC1123))
	for _, n := range nets {
		fmt.Fprintf(&b, "%s ; SBL%06d\n", n, 100000+r.IntN(600000))
	}
	return writeFile(filepath.Join(dir, "intel", "drop.txt"), b.String())
}

// noiseOctets are first octets that none of the simulation's own addresses use, so
// that noise entries never collide with a service or scenario address.
var noiseOctets = []byte{31, 46, 58, 59, 60, 77, 78, 79, 81, 82, 83, 84, 85, 87, 88, 89, 93, 94, 101, 106,
	110, 111, 112, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 176, 180, 181, 182, 183,
	186, 187, 188, 190, 191, 195, 196, 197, 200, 201, 211, 213, 217, 219, 220, 221, 222}

// noiseAddr is a public address outside everything the simulation uses.
func noiseAddr(r *rand.Rand) netip.Addr {
	first := noiseOctets[r.IntN(len(noiseOctets))]
	return netip.AddrFrom4([4]byte{first, byte(r.IntN(256)), byte(r.IntN(256)), byte(1 + r.IntN(254))})
}

func prefixOf(s string) netip.Prefix {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p
	}
	a, _ := netip.ParseAddr(s)
	return netip.PrefixFrom(a, 32)
}

func writeFile(path, content string) error {
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return fmt.Errorf("simulate: write %s: %w", path, err)
	}
	return nil
}
