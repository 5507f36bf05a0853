package azureflow

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDetect(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name, head string
		want       string
		ok         bool
	}{
		{"vnet blob", read("vnet-blob.json"), FormatVNet, true},
		{"vnet lines", read("vnet-lines.json"), FormatVNet, true},
		{"nsg blob pretty", read("nsg-blob.json"), FormatNSG, true},
		{"nsg lines", read("nsg-lines.json"), FormatNSG, true},
		{"nsg without category", `{"resourceId":"/x","properties":{"Version":2,"flows":[{"rule":"r","flows":[{"mac":"m","flowTuples":[]}]}]}}`, FormatNSG, true},
		{"leading whitespace and bom", "\xEF\xBB\xBF\n  " + goodLine, FormatVNet, true},
		{"aws vpc", "version account-id interface-id srcaddr dstaddr\n2 123456789012 eni-1 10.0.0.1 10.0.0.2", "", false},
		{"gcp logging json", `{"insertId":"x","jsonPayload":{"connection":{"src_ip":"10.0.0.1"},"reporter":"SRC"}}`, "", false},
		{"zeek json", `{"ts":1.5,"uid":"C1","id.orig_h":"10.0.0.1"}`, "", false},
		{"other json with properties", `{"properties":{"a":1}}`, "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Detect([]byte(tt.head))
			if got != tt.want || ok != tt.ok {
				t.Errorf("Detect() = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
