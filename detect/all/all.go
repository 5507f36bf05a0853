// Package all lists every detector weir runs, so that `weir hunt`, `weir serve`
// and `weir eval` run the same set.
package all

import (
	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/detect/beaconing"
	"github.com/weirhq/weir/detect/bruteforce"
	"github.com/weirhq/weir/detect/exfil"
	"github.com/weirhq/weir/detect/lateral"
	"github.com/weirhq/weir/detect/legacy"
	"github.com/weirhq/weir/detect/longconn"
	"github.com/weirhq/weir/detect/maliciousip"
	"github.com/weirhq/weir/detect/portscan"
	"github.com/weirhq/weir/detect/remoteaccess"
	"github.com/weirhq/weir/detect/shadowllm"
)

// Detectors returns every detector with its default configuration, in the order
// hunts run them.
func Detectors() []detect.Detector {
	return []detect.Detector{
		portscan.New(portscan.Configuration{}),
		bruteforce.New(bruteforce.Configuration{}),
		lateral.New(lateral.Configuration{}),
		remoteaccess.New(remoteaccess.Configuration{}),
		maliciousip.New(maliciousip.Configuration{}),
		legacy.New(legacy.Configuration{}),
		beaconing.New(beaconing.Configuration{}),
		longconn.New(longconn.Configuration{}),
		exfil.New(exfil.Configuration{}),
		shadowllm.New(shadowllm.Configuration{}),
	}
}
