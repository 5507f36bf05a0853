package beaconing

import (
	"math"
	"slices"
)

// regularity is how regular a series is, the way RITA measures it: the Bowley
// (quartile) skewness, which is 0 for a symmetric series whatever its spread, and
// the median absolute deviation relative to the median, which is small when
// most values sit near the median. Both are robust: a few missed or doubled
// beats do not move them, and neither does jitter symmetric around the period.
type regularity struct {
	median, mad, skew float64
	skewScore         float64 // 1 − |skew|, less for a tight series
	madScore          float64 // 1 − mad/median, at least 0
}

// measure computes v's regularity; it sorts v.
func measure(v []float64) regularity {
	slices.Sort(v)
	q1, q2, q3 := quantile(v, 0.25), quantile(v, 0.5), quantile(v, 0.75)
	var r regularity
	r.median = q2
	// Bowley skewness is undefined when the quartiles coincide (or the median
	// sits on one of them): the series is then as regular as it gets.
	if q3-q1 > 0 && q2 != q1 && q2 != q3 {
		r.skew = (q1 + q3 - 2*q2) / (q3 - q1)
	}
	dev := make([]float64, len(v))
	for i, x := range v {
		dev[i] = math.Abs(x - q2)
	}
	slices.Sort(dev)
	r.mad = quantile(dev, 0.5)
	// The skew of a tight series says little: with the gaps within a few
	// percent of the median, one second of rounding (the store keeps seconds)
	// moves a quartile and the skew swings. It counts in full once the
	// quartiles spread over half the median, as random traffic's do
	// (exponential gaps: 1.6 medians).
	weight := 1.0
	if q2 > 0 {
		weight = min(1, (q3-q1)/(0.5*q2))
	}
	r.skewScore = 1 - math.Abs(r.skew)*weight
	if q2 > 0 {
		r.madScore = max(0, 1-r.mad/q2)
	}
	return r
}

// quantile is the q-quantile of sorted v by linear interpolation.
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	pos := q * float64(len(v)-1)
	i := int(pos)
	if i+1 >= len(v) {
		return v[len(v)-1]
	}
	f := pos - float64(i)
	return v[i]*(1-f) + v[i+1]*f
}
