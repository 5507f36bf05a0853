package legacy

import (
	"testing"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/internal/detecttest"
)

func measure(t *testing.T, d detect.Detector, kinds map[string]bool) { detecttest.Measure(t, d, kinds) }

func checkFinding(t *testing.T, f detect.Finding) { detecttest.CheckFinding(t, f) }
