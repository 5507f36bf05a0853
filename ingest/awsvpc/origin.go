package awsvpc

import (
	"bytes"
	"strings"

	"github.com/weirhq/weir/ingest"
)

// keyOrigin reads the account and region from an S3 object key as AWS writes flow
// logs: [prefix/]AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/file, or the
// Hive-style form AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/
// aws-region=<region>/... . Anything else yields empty strings.
func keyOrigin(name string) (account, region string) {
	name = strings.ReplaceAll(name, `\`, "/")
	segs := strings.Split(name, "/")
	for i := 0; i+3 < len(segs); i++ {
		if segs[i] != "AWSLogs" {
			continue
		}
		// An organisation id (o-…) may come between AWSLogs and the account.
		j := i + 1
		if strings.HasPrefix(segs[j], "o-") && j+3 < len(segs) {
			j++
		}
		svc := strings.TrimPrefix(segs[j+1], "aws-service=")
		if svc != "vpcflowlogs" {
			continue
		}
		account = strings.TrimPrefix(segs[j], "aws-account-id=")
		region = strings.TrimPrefix(segs[j+2], "aws-region=")
		if !isAccount(account) {
			account = ""
		}
		return account, region
	}
	return "", ""
}

// isAccount reports whether s is an AWS account id: twelve digits.
func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// lastString remembers the last value of one field, so that the common run of
// lines from the same ENI, VPC or account costs a byte comparison rather than a map
// lookup in the interner.
type lastString struct {
	b []byte
	s string
}

func (c *lastString) get(strs *ingest.Strings, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if c.s != "" && bytes.Equal(b, c.b) {
		return c.s
	}
	c.s = strs.Get(b)
	c.b = append(c.b[:0], b...)
	return c.s
}
