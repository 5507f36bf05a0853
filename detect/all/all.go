// Package all lists every detector weir runs, so that `weir hunt`, `weir serve`
// and `weir eval` run the same set.
package all

import "github.com/weirhq/weir/detect"

// Detectors returns every detector, in the order hunts run them.
func Detectors() []detect.Detector {
	return detectors
}

// detectors is filled in as each detector package lands.
var detectors []detect.Detector
