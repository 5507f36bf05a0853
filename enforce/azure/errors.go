package azure

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/weirhq/weir/quarantine"
)

// callError is a failed API call in one line; the SDK's own error text spans
// the whole HTTP exchange. errors.As still reaches the SDK error through it.
type callError struct {
	msg string
	err error
}

func (e *callError) Error() string { return e.msg }
func (e *callError) Unwrap() error { return e.err }

// transientCodes are Azure error codes that come with a 4xx but go away on
// their own: another operation holds the resource, or Azure asks to retry.
var transientCodes = map[string]bool{
	"AnotherOperationInProgress": true,
	"RetryableError":             true,
}

// apiError says which call on which resource failed and whether retrying can
// help: access denied, missing resources and rejected requests wrap
// quarantine.ErrPermanent; throttling (429), conflicts (409), server errors
// and network failures are returned plain for the Manager to retry.
func apiError(call, resource string, err error) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		e := &callError{msg: fmt.Sprintf("azure %s %s: HTTP %d %s", call, resource, re.StatusCode, re.ErrorCode), err: err}
		if permanent(re.StatusCode, re.ErrorCode) {
			return fmt.Errorf("%w: %w", quarantine.ErrPermanent, e)
		}
		return e
	}
	var af *azidentity.AuthenticationFailedError
	if errors.As(err, &af) {
		e := &callError{msg: fmt.Sprintf("azure %s %s: authentication failed", call, resource), err: err}
		// A rejected identity stays rejected; a token endpoint that did not
		// answer may answer next time.
		if af.RawResponse != nil && af.RawResponse.StatusCode >= 400 && af.RawResponse.StatusCode < 500 {
			return fmt.Errorf("%w: %w", quarantine.ErrPermanent, e)
		}
		return e
	}
	return &callError{msg: fmt.Sprintf("azure %s %s: %v", call, resource, err), err: err}
}

// inWorkload names the workload in a failed call's error; the errors of the
// lookups name it already.
func inWorkload(name string, err error) error {
	var ce *callError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w (workload %s)", err, name)
	}
	return err
}

func permanent(status int, code string) bool {
	if code == "AuthorizationFailed" {
		return true
	}
	if transientCodes[code] {
		return false
	}
	switch status {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusPreconditionFailed, http.StatusTooManyRequests:
		return false
	}
	return status >= 400 && status < 500
}

// isNotFound reports whether err is Azure's 404.
func isNotFound(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}
