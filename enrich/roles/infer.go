package roles

import (
	"context"
	"fmt"
	"time"
)

// Store is what inference needs of the flow store: the profiles of the
// workloads without a role given, and a way to record the roles decided. The
// store must not hand out a workload the inventory gave a role, and must mark
// what SetInferredRoles writes as inferred.
type Store interface {
	EndpointProfiles(ctx context.Context, from, until time.Time) ([]Profile, error)
	SetInferredRoles(ctx context.Context, roles map[uint32]string) error
}

// MinConfidence is the confidence below which a decision is not recorded: a
// wrong role misleads more than none.
const MinConfidence = 0.5

// Result is one decision Infer recorded, for the caller's log.
type Result struct {
	Key string
	Decision
}

// Infer profiles the unlabelled workloads of st over [from, until) (a zero
// until means no end), decides their roles and records those at or above
// MinConfidence. It returns the decisions recorded.
func Infer(ctx context.Context, st Store, from, until time.Time) ([]Result, error) {
	profiles, err := st.EndpointProfiles(ctx, from, until)
	if err != nil {
		return nil, fmt.Errorf("infer roles: %w", err)
	}
	set := map[uint32]string{}
	var out []Result
	for i := range profiles {
		d := Decide(&profiles[i])
		if d.Role == "" || d.Confidence < MinConfidence {
			continue
		}
		for _, id := range profiles[i].Endpoints {
			set[id] = d.Role
		}
		out = append(out, Result{Key: profiles[i].Key, Decision: d})
	}
	if len(set) == 0 {
		return nil, nil
	}
	if err := st.SetInferredRoles(ctx, set); err != nil {
		return nil, fmt.Errorf("infer roles: %w", err)
	}
	return out, nil
}
