package beaconing

import (
	"fmt"
	"math"
	"time"

	"github.com/weirhq/weir/detect"
)

// Weights of the three parts of the score; they sum to 100.
const (
	intervalPoints    = 50
	sizePoints        = 20
	persistencePoints = 30
)

// smallSize is the request size from which a connection no longer looks like a
// check-in: beacons ask for work in a packet or two, and RITA scores the size's
// smallness against a 64 KiB ceiling.
const smallSize = 65535

// scored is a pair's score and what it came from.
type scored struct {
	total              int
	interval, size     regularity
	smallness          float64
	persistence        float64
	hours, windowHours int
	reasons            []detect.ScoreReason
}

// score rates p's regularity in w; a pair with fewer than minConns connections
// scores 0.
func (p *pair) score(w detect.Window, minConns int) scored {
	var s scored
	n := len(p.starts)
	if n < minConns {
		return s
	}
	gaps := make([]float64, 0, n-1)
	hours := map[int64]bool{}
	for i, t := range p.starts {
		hours[t.Unix()/3600] = true
		if i > 0 {
			gaps = append(gaps, t.Sub(p.starts[i-1]).Seconds())
		}
	}
	s.interval = measure(gaps)
	s.size = measure(append([]float64(nil), p.sizes...))
	s.windowHours = max(1, int(math.Ceil(w.Until.Sub(w.From).Hours())))
	s.hours = len(hours)
	s.smallness = max(0, 1-s.size.median/smallSize)
	s.persistence = min(1, float64(s.hours)/float64(s.windowHours))

	// The rhythm is what makes a beacon: a steady size or a busy day says nothing
	// unless the connections keep time, so those parts count only as far as the
	// intervals are regular. And the interval's two measures must both hold: the
	// skew and the deviation multiply, so that a symmetric but wide spread (a
	// person's visits through the day: exponential gaps, whose median absolute
	// deviation is about 0.7 medians) does not pass on its symmetry. A beacon
	// with ±10% jitter keeps about 95% of the points, ±50% about 75%, random
	// traffic about 25%.
	ts := s.interval.skewScore * s.interval.madScore
	ds := (s.size.skewScore + s.size.madScore + s.smallness) / 3
	tsPts := int(math.Round(ts * intervalPoints))
	dsPts := int(math.Round(ts * ds * sizePoints))
	hPts := int(math.Round(ts * s.persistence * persistencePoints))
	s.total = tsPts + dsPts + hPts
	s.reasons = []detect.ScoreReason{
		{Reason: fmt.Sprintf("interval regularity: %d connections, median gap %s, median absolute deviation %s, Bowley skew %.2f",
			n, secs(s.interval.median), secs(s.interval.mad), s.interval.skew), Points: tsPts},
		{Reason: fmt.Sprintf("size regularity: median %.0f bytes sent, median absolute deviation %.0f bytes, Bowley skew %.2f",
			s.size.median, s.size.mad, s.size.skew), Points: dsPts},
		{Reason: fmt.Sprintf("persistence: connections in %d of the window's %d hours", s.hours, s.windowHours), Points: hPts},
	}
	return s
}

func secs(v float64) string {
	return (time.Duration(math.Round(v)) * time.Second).String()
}
