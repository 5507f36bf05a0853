package query

import "testing"

func BenchmarkCompile(b *testing.B) {
	for _, bm := range []struct{ name, filter string }{
		{"design-example", `service in (SMB, RDP) and src.zone = "Internal Azure" and not dst.role = db`},
		{"ips-and-numbers", `ip in (10.0.0.0/8, 2001:db8::/32) and bytes > 1.5GB and port not in (22, 443) and start >= 2024-05-01T00:00:00Z`},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compile(bm.filter, DuckDB); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "filters/s")
		})
	}
}
