package nftables

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The helpers below build a throwaway network namespace lab. Every address
// lives only inside namespaces the test creates and deletes again.

const dialTimeout = 1500 * time.Millisecond

// netns is one namespace the test made, with an open fd to enter it.
type netns struct {
	name string
	fd   int
}

// newNetNS creates a namespace and deletes it when the test ends; it skips
// the test when namespaces cannot be made here.
func newNetNS(t *testing.T, name string) netns {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("cannot create network namespaces here (ip netns add %s: %v: %s)", name, err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	f, err := os.Open("/var/run/netns/" + name)
	if err != nil {
		t.Fatalf("open netns %s: %v", name, err)
	}
	t.Cleanup(func() { f.Close() })
	ipIn(t, name, "link", "set", "lo", "up")
	return netns{name: name, fd: int(f.Fd())}
}

// ipIn runs `ip -n ns args...` and fails the test on error.
func ipIn(t *testing.T, ns string, args ...string) {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"-n", ns}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip -n %s %v: %v: %s", ns, args, err, out)
	}
}

// inNetNS runs f on an OS thread moved into ns. The thread is never handed
// back to the scheduler (the goroutine exits still locked, so Go discards
// it): no other goroutine can ever run in the wrong namespace. Sockets keep
// the namespace they were created in, so listeners and connections made in f
// may be used from any goroutine afterwards.
func inNetNS(ns netns, f func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Setns(ns.fd, unix.CLONE_NEWNET); err != nil {
			done <- fmt.Errorf("setns %s: %w", ns.name, err)
			return
		}
		done <- f()
	}()
	return <-done
}

// echoServer listens on addr inside ns and echoes what each connection sends,
// until the test ends.
func echoServer(t *testing.T, ns netns, addr string) {
	t.Helper()
	var ln net.Listener
	err := inNetNS(ns, func() (err error) {
		ln, err = net.Listen("tcp", addr)
		return err
	})
	if err != nil {
		t.Fatalf("listen %s in %s: %v", addr, ns.name, err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				io.Copy(c, c)
			}()
		}
	}()
}

// connect dials addr from inside ns, from localPort when it is not zero.
func connect(ns netns, addr string, localPort int) (net.Conn, error) {
	var c net.Conn
	err := inNetNS(ns, func() (err error) {
		d := net.Dialer{Timeout: dialTimeout}
		if localPort != 0 {
			d.LocalAddr = &net.TCPAddr{Port: localPort}
		}
		c, err = d.Dial("tcp", addr)
		return err
	})
	return c, err
}

// roundTrip sends a line over c and waits, bounded, for the echo.
func roundTrip(c net.Conn) error {
	c.SetDeadline(time.Now().Add(dialTimeout))
	msg := []byte("weir\n")
	if _, err := c.Write(msg); err != nil {
		return err
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		return err
	}
	if !bytes.Equal(got, msg) {
		return errors.New("echo mismatch")
	}
	return nil
}

// reach reports whether a full TCP round trip from ns to addr works.
func reach(ns netns, addr string, localPort int) error {
	c, err := connect(ns, addr, localPort)
	if err != nil {
		return err
	}
	defer c.Close()
	return roundTrip(c)
}
