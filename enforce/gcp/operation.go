package gcp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"google.golang.org/api/compute/v1"
	"google.golang.org/api/googleapi"

	"github.com/weirhq/weir/quarantine"
)

// failed says which call on what failed, for which workload, and marks the
// error permanent when retrying cannot help: a 4xx other than 408, 409 (a
// conflicting change under way), 412 (the tags changed since they were read)
// and 429. Network errors and 5xx are returned plain, for the Manager to
// retry.
func failed(err error, workload, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if permanent(err) {
		return fmt.Errorf("%w: gcp %s for workload %s: %w", quarantine.ErrPermanent, what, workload, err)
	}
	return fmt.Errorf("gcp %s for workload %s: %w", what, workload, err)
}

func permanent(err error) bool {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return false
	}
	switch ge.Code {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusPreconditionFailed, http.StatusTooManyRequests:
		return false
	}
	return ge.Code >= 400 && ge.Code < 500
}

// isCode reports whether err is an API answer with HTTP status code.
func isCode(err error, code int) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == code
}

// operationError is the error a finished operation ended with, as a
// googleapi.Error carrying the HTTP status the operation reports, so that it
// is classified like a refused call; nil when the operation succeeded.
func operationError(op *compute.Operation) error {
	if op.Error == nil || len(op.Error.Errors) == 0 {
		return nil
	}
	var msgs []string
	for _, e := range op.Error.Errors {
		msgs = append(msgs, e.Code+": "+e.Message)
	}
	msg := strings.TrimSpace(op.HttpErrorMessage + " (" + strings.Join(msgs, "; ") + ")")
	return fmt.Errorf("operation %s: %w", op.Name, &googleapi.Error{Code: int(op.HttpErrorStatusCode), Message: msg})
}

// pending is an operation started on a resource, to wait for.
type pending struct {
	op      *compute.Operation
	project string
	zone    string // "" for a global operation
	what    string // the call that started it, for errors
	// ignore is the HTTP status of an operation error that still means done
	// (409 for an insert that found the rule there, 404 for a delete).
	ignore int
}

// wait blocks until p's operation is DONE and returns its error. The Wait
// calls return after at most two minutes even when the operation runs on,
// hence the loop; ctx bounds it.
func (p pending) wait(ctx context.Context, svc *compute.Service, workload string) error {
	op := p.op
	for op.Status != "DONE" {
		var err error
		if p.zone == "" {
			op, err = svc.GlobalOperations.Wait(p.project, op.Name).Context(ctx).Do()
		} else {
			op, err = svc.ZoneOperations.Wait(p.project, p.zone, op.Name).Context(ctx).Do()
		}
		if err != nil {
			return failed(err, workload, "wait for %s (operation %s)", p.what, p.op.Name)
		}
	}
	if err := operationError(op); err != nil && (p.ignore == 0 || !isCode(err, p.ignore)) {
		return failed(err, workload, "%s", p.what)
	}
	return nil
}

// waitAll waits for every operation in order and returns the first error.
func waitAll(ctx context.Context, svc *compute.Service, workload string, ops []pending) error {
	for _, p := range ops {
		if err := p.wait(ctx, svc, workload); err != nil {
			return err
		}
	}
	return nil
}
