package simulate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeInventory writes inventory.yaml in the hand-written YAML form of DESIGN §3,
// plus the ids each workload's logs carry (instances).
func writeInventory(dir string, e *estate) error {
	var b strings.Builder
	b.WriteString("# Inventory of the simulated Northwind estate, written by weir simulate.\n")
	b.WriteString("# instances: the ids the flow logs carry (AWS instance and ENI, Azure VM name and NIC MAC, GCP vm_name).\n")
	b.WriteString("networks:\n")
	for _, st := range e.sites {
		fmt.Fprintf(&b, "  - {cidr: %s, zone: %s, cloud: %s, region: %s}\n", st.cidr, st.zone, st.cloud, st.region)
	}
	b.WriteString("workloads:\n")
	for _, w := range e.workloads {
		fmt.Fprintf(&b, "  - name: %s\n", w.name)
		fmt.Fprintf(&b, "    kind: %s\n", w.kind)
		fmt.Fprintf(&b, "    ips: [%s]\n", w.ip)
		fmt.Fprintf(&b, "    cloud: %s\n", w.site.cloud)
		if w.site.account != "" {
			fmt.Fprintf(&b, "    account: %s\n", yamlString(w.site.account))
		}
		fmt.Fprintf(&b, "    region: %s\n", w.site.region)
		fmt.Fprintf(&b, "    labels: {role: %s, app: %s, env: %s, loc: %s}\n", w.role, w.app, w.env, w.site.loc)
		if ids := w.instances(); len(ids) > 0 {
			fmt.Fprintf(&b, "    instances: [%s]\n", strings.Join(ids, ", "))
		}
	}
	path := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("simulate: write %s: %w", path, err)
	}
	return nil
}

// yamlString quotes s when YAML would read it as something other than a string
// (an AWS account id is all digits).
func yamlString(s string) string {
	if strings.Trim(s, "0123456789") == "" {
		return `"` + s + `"`
	}
	return s
}
