package aws

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weirhq/weir/quarantine"
)

func TestApplyWorkloadNotFound(t *testing.T) {
	for _, tc := range []struct {
		name      string
		target    quarantine.Target
		wantCall  string
		wantError string
	}{
		{"instance", target([]string{"i-00000000000000000"}), "DescribeNetworkInterfaces attachment.instance-id=i-00000000000000000",
			"instance i-00000000000000000: no network interface is attached"},
		{"address", target(nil, "10.9.9.9"), "DescribeNetworkInterfaces addresses.private-ip-address=10.9.9.9",
			"no network interface has the private address 10.9.9.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := estate(t)
			e := newTestEnforcer(t, f)
			before := f.snapshot()
			err := e.Apply(context.Background(), tc.target)
			if !errors.Is(err, quarantine.ErrPermanent) {
				t.Fatalf("Apply = %v, want a permanent error", err)
			}
			for _, s := range []string{"workload web-1", "eu-west-1", tc.wantError} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			checkCalls(t, f, "Apply", []string{tc.wantCall})
			if diff := cmp.Diff(f.snapshot(), before); diff != "" {
				t.Errorf("failed Apply changed the state (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestApplyRefusesInterfaces(t *testing.T) {
	for _, tc := range []struct {
		name      string
		eni       fakeENI
		wantError string
	}{
		{"held by another quarantine",
			fakeENI{ID: "eni-x", VPC: "vpc-1", Instance: "i-0aaaaaaaaaaaaaaaa", Groups: []string{"sg-db"},
				Tags: map[string]string{tagQuarantine: "q-other"}},
			"eni-x is already isolated by quarantine q-other"},
		{"managed by AWS",
			fakeENI{ID: "eni-x", VPC: "vpc-1", Instance: "i-0aaaaaaaaaaaaaaaa", Groups: []string{"sg-db"}, RequesterManaged: true},
			"eni-x is managed by amazon-elb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := estate(t)
			f.addENI(tc.eni)
			e := newTestEnforcer(t, f)
			before := f.snapshot()
			err := e.Apply(context.Background(), target([]string{"i-0aaaaaaaaaaaaaaaa"}))
			if !errors.Is(err, quarantine.ErrPermanent) || !strings.Contains(err.Error(), tc.wantError) {
				t.Fatalf("Apply = %v, want a permanent error saying %q", err, tc.wantError)
			}
			checkCalls(t, f, "Apply", []string{"DescribeNetworkInterfaces attachment.instance-id=i-0aaaaaaaaaaaaaaaa"})
			if diff := cmp.Diff(f.snapshot(), before); diff != "" {
				t.Errorf("refused Apply changed the state (-got, +want):\n%s", diff)
			}
		})
	}
}

// A failed call leaves a half-done Apply; the retry finishes it without
// creating anything twice or overwriting the recorded groups.
func TestApplyTransientErrors(t *testing.T) {
	for _, tc := range []struct {
		action string
		status int
		code   string
	}{
		{"DescribeNetworkInterfaces", 503, "RequestLimitExceeded"},
		{"CreateSecurityGroup", 500, "InternalError"},
		{"AuthorizeSecurityGroupEgress", 503, "Unavailable"},
		{"ModifyNetworkInterfaceAttribute", 500, "InternalError"},
	} {
		t.Run(tc.action, func(t *testing.T) {
			f := estate(t)
			e := newTestEnforcer(t, f)
			tg := target([]string{webInstance})
			f.failNext(tc.action, tc.status, tc.code)
			err := e.Apply(context.Background(), tg)
			if err == nil || errors.Is(err, quarantine.ErrPermanent) {
				t.Fatalf("Apply with %s answering %s = %v, want a transient error", tc.action, tc.code, err)
			}
			if !strings.Contains(err.Error(), tc.code) || !strings.Contains(err.Error(), "workload web-1") {
				t.Errorf("error %q does not name the code and the workload", err)
			}
			if err := e.Apply(context.Background(), tg); err != nil {
				t.Fatalf("retried Apply: %v", err)
			}
			f.mu.Lock()
			var iso int
			for _, g := range f.groups {
				if g.Name == isoName {
					iso++
				}
			}
			f.mu.Unlock()
			if iso != 1 {
				t.Errorf("%d isolation groups, want 1", iso)
			}
			if diff := cmp.Diff(rulesOf(f.groupNamed(isoName)), isolatedRules); diff != "" {
				t.Errorf("isolation group rules (-got, +want):\n%s", diff)
			}
			n := f.eni("eni-web0")
			if !slices.Equal(n.Groups, []string{"sg-new1"}) || n.Tags[tagPrevious] != "sg-web,sg-ssh" {
				t.Errorf("eni-web0 groups %v, previous %q; want the isolation group, and sg-web,sg-ssh recorded",
					n.Groups, n.Tags[tagPrevious])
			}
		})
	}
}

func TestPermanentErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
	}{
		{403, "UnauthorizedOperation"},
		{401, "AuthFailure"},
		{400, "InvalidNetworkInterfaceID.NotFound"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			f := estate(t)
			e := newTestEnforcer(t, f)
			f.failNext("DescribeNetworkInterfaces", tc.status, tc.code)
			err := e.Apply(context.Background(), target([]string{webInstance}))
			if !errors.Is(err, quarantine.ErrPermanent) || !strings.Contains(err.Error(), tc.code) {
				t.Fatalf("Apply answered %s = %v, want a permanent error with the code", tc.code, err)
			}
		})
	}
}

func TestReleaseGroupStillInUse(t *testing.T) {
	f := estate(t)
	e := newTestEnforcer(t, f)
	ctx := context.Background()
	tg := target([]string{webInstance})
	if err := e.Apply(ctx, tg); err != nil {
		t.Fatal(err)
	}
	f.failNext("DeleteSecurityGroup", 400, "DependencyViolation")
	err := e.Release(ctx, tg)
	if err == nil || errors.Is(err, quarantine.ErrPermanent) || !strings.Contains(err.Error(), "still in use") {
		t.Fatalf("Release = %v, want a transient 'still in use' error", err)
	}
	f.takeCalls()
	if err := e.Release(ctx, tg); err != nil {
		t.Fatalf("retried Release: %v", err)
	}
	checkCalls(t, f, "retried Release", []string{
		"DescribeNetworkInterfaces tag:weir:quarantine=" + qid,
		"DescribeSecurityGroups group-name=" + isoName + " tag:weir:quarantine=" + qid,
		"DeleteSecurityGroup sg-new1",
	})
}
