package aws

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"
)

func TestPreviousTags(t *testing.T) {
	for _, n := range []int{1, 5, 12, 13, 16} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var ids []string
			for i := range n {
				ids = append(ids, fmt.Sprintf("sg-%017x", i)) // real ids are 20 characters
			}
			tags := previousTags(ids)
			for _, tg := range tags {
				if len(aws.ToString(tg.Value)) > maxTagValue {
					t.Errorf("tag %s holds %d characters, more than EC2 takes", aws.ToString(tg.Key), len(aws.ToString(tg.Value)))
				}
			}
			if wantTags := 1 + (n-1)/12; len(tags) != wantTags {
				t.Errorf("%d ids in %d tags, want %d", n, len(tags), wantTags)
			}
			// Read back among other tags, in any order.
			all := append([]types.Tag{tag("Name", "web")}, tags...)
			for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
				all[i], all[j] = all[j], all[i]
			}
			got, ok := previousGroups(all)
			if diff := cmp.Diff(got, ids); !ok || diff != "" {
				t.Errorf("previousGroups ok=%v (-got, +want):\n%s", ok, diff)
			}
			if keys := weirKeys(append(all, tag(tagQuarantine, "q-1"))); len(keys) != len(tags)+1 {
				t.Errorf("weirKeys = %v, want the %d previous-groups keys and %s", keys, len(tags), tagQuarantine)
			}
		})
	}
	if _, ok := previousGroups([]types.Tag{tag(tagQuarantine, "q-1")}); ok {
		t.Error("previousGroups without the tag: ok")
	}
}
