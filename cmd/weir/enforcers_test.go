package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuarantineEnforcersFromConfig: every enforcer the config names is built,
// in the order workloads are matched (agents and pods before clouds, the
// webhook last), and a bad one is refused naming it.
func TestQuarantineEnforcersFromConfig(t *testing.T) {
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: lab, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: weir, user: {token: "not-used"}}]
contexts: [{name: lab, context: {cluster: lab, user: weir}}]
current-context: lab
`), 0o600)
	good := filepath.Join(dir, "weir.yaml")
	os.WriteFile(good, []byte(`quarantine:
  webhook: {url: "https://soar.example/hooks/weir"}
  gcp: {project: weir-prod, zone: us-central1-a}
  azure: {subscription_id: 11111111-2222-3333-4444-555555555555}
  aws: {region: eu-west-1}
  kubernetes: {kubeconfig: `+kubeconfig+`, namespaces: [shop]}
  agents: {clouds: [onprem], confirm_timeout: 1m}
`), 0o600)
	fc, err := readConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	es, err := fc.Quarantine.enforcers()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "agent kubernetes aws azure gcp webhook" {
		t.Errorf("enforcers %q", got)
	}

	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("quarantine:\n  azure: {resource_group: rg}\n"), 0o600)
	fc, err = readConfig(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fc.Quarantine.enforcers(); err == nil || !strings.Contains(err.Error(), "quarantine azure") ||
		!strings.Contains(err.Error(), "subscription_id") {
		t.Errorf("azure without a subscription: %v", err)
	}
	os.WriteFile(bad, []byte("quarantine:\n  aws: {regoin: eu-west-1}\n"), 0o600)
	if _, err := readConfig(bad); err == nil || !strings.Contains(err.Error(), "regoin") {
		t.Errorf("a misspelt field: %v", err)
	}
}
