package insight

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/weirhq/weir/query"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }
func errorsAs(err error, pe any) bool { return errors.As(err, pe) }

func TestErrorsSayWhatIsValid(t *testing.T) {
	_, err := Run(context.Background(), est.Store, "zone", Params{Now: est.Truth.End})
	if err == nil || !strings.Contains(err.Error(), "risky-services") || !strings.Contains(err.Error(), "timeline") {
		t.Errorf("unknown id: %v; want the valid ids listed", err)
	}
	_, err = Run(context.Background(), est.Store, "zones", Params{Q: "service = SMB and bogus = 1", Now: est.Truth.End})
	var qe *query.Error
	if !errors.As(err, &qe) || qe.Pos != 19 {
		t.Errorf("bad filter: %v; want a query.Error at position 19 of the user's filter", err)
	}
}
