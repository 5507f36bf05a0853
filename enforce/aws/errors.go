package aws

import (
	"errors"
	"fmt"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/weirhq/weir/quarantine"
)

// permanentCodes are EC2 error codes that the same request will meet again:
// missing permissions, a resource that is gone, a request EC2 refuses, a quota.
// Anything else (throttling, 5xx, DependencyViolation while a change
// propagates, the network) is retried by the Manager.
var permanentCodes = map[string]bool{
	"UnauthorizedOperation":                   true,
	"AuthFailure":                             true,
	"InvalidClientTokenId":                    true,
	"OptInRequired":                           true,
	"Blocked":                                 true,
	"InvalidInstanceID.NotFound":              true,
	"InvalidNetworkInterfaceID.NotFound":      true,
	"InvalidVpcID.NotFound":                   true,
	"InvalidParameter":                        true,
	"InvalidParameterValue":                   true,
	"InvalidParameterCombination":             true,
	"MissingParameter":                        true,
	"UnsupportedOperation":                    true,
	"RulesPerSecurityGroupLimitExceeded":      true,
	"SecurityGroupLimitExceeded":              true,
	"SecurityGroupsPerInterfaceLimitExceeded": true,
}

// errorCode is the EC2 error code in err, if any.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func permanent(err error) bool {
	code := errorCode(err)
	if permanentCodes[code] || strings.HasSuffix(code, ".Malformed") {
		return true
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		s := re.HTTPStatusCode()
		return s == 401 || s == 403
	}
	return false
}

// fail says what failed where, and marks it permanent when retrying cannot
// help. The SDK's error names the operation and the EC2 error code.
func (j job) fail(err error, format string, args ...any) error {
	err = fmt.Errorf("aws: workload %s in %s: %s: %w", j.workload, j.region, fmt.Sprintf(format, args...), err)
	if permanent(err) {
		return fmt.Errorf("%w: %w", quarantine.ErrPermanent, err)
	}
	return err
}

// refuse is a permanent error weir finds itself (no call failed).
func (j job) refuse(format string, args ...any) error {
	return fmt.Errorf("%w: aws: workload %s in %s: %s", quarantine.ErrPermanent, j.workload, j.region,
		fmt.Sprintf(format, args...))
}
