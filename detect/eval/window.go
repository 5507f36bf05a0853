package eval

import (
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/simulate"
)

// WindowOf is the hunt window for truth: the simulator injects every scenario in
// the second half of its window, so the first half is the baseline and the
// second the hunt, split on the hour (the hourly rollup answers whole hours).
func WindowOf(truth *simulate.Truth) detect.Window {
	mid := truth.Start.Add(truth.End.Sub(truth.Start) / 2).Truncate(time.Hour)
	if !mid.After(truth.Start) {
		mid = truth.Start
	}
	return detect.Window{BaselineFrom: truth.Start, From: mid, Until: truth.End}
}

// Days is the length of w's hunt in days, for false positives per day.
func Days(w detect.Window) float64 { return w.Until.Sub(w.From).Hours() / 24 }
