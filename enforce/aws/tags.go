package aws

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Tags weir puts on what it isolates and creates. The previous groups live on
// the interface itself, so they survive a restart of weir and a lost weir
// database, and an operator can restore them by hand.
const (
	// tagQuarantine holds the quarantine id, on interfaces and on the group.
	tagQuarantine = "weir:quarantine"
	// tagPrevious holds the comma-joined group ids an interface had before.
	// A tag value holds 256 characters, about 12 group ids; an interface may
	// have up to 16 groups, so longer lists go on in tagPrevious+":2", ":3".
	tagPrevious = "weir:previous-groups"
	// tagWorkload names the workload on the isolation group, for people.
	tagWorkload = "weir:workload"
)

const maxTagValue = 256

// previousTags are the tags that record ids, split at maxTagValue.
func previousTags(ids []string) []types.Tag {
	var tags []types.Tag
	var chunk []string
	size := 0
	flush := func() {
		key := tagPrevious
		if n := len(tags); n > 0 {
			key += ":" + strconv.Itoa(n+1)
		}
		tags = append(tags, types.Tag{Key: aws.String(key), Value: aws.String(strings.Join(chunk, ","))})
		chunk, size = nil, 0
	}
	for _, id := range ids {
		add := len(id)
		if len(chunk) > 0 {
			add++ // the comma
		}
		if len(chunk) > 0 && size+add > maxTagValue {
			flush()
			add = len(id)
		}
		chunk = append(chunk, id)
		size += add
	}
	if len(chunk) > 0 {
		flush()
	}
	return tags
}

// previousGroups reads back what previousTags recorded; ok is false when the
// first tag is missing or empty.
func previousGroups(tags []types.Tag) (ids []string, ok bool) {
	for n := 1; ; n++ {
		key := tagPrevious
		if n > 1 {
			key += ":" + strconv.Itoa(n)
		}
		v, found := tagValue(tags, key)
		if !found {
			break
		}
		for id := range strings.SplitSeq(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids, len(ids) > 0
}

// weirKeys are the keys of tags weir put on an interface.
func weirKeys(tags []types.Tag) []string {
	var keys []string
	for _, t := range tags {
		k := aws.ToString(t.Key)
		if k == tagQuarantine || k == tagPrevious || strings.HasPrefix(k, tagPrevious+":") {
			keys = append(keys, k)
		}
	}
	return keys
}

func tagValue(tags []types.Tag, key string) (string, bool) {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value), true
		}
	}
	return "", false
}

func tag(key, value string) types.Tag {
	return types.Tag{Key: aws.String(key), Value: aws.String(value)}
}
