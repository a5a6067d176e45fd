//go:build linux

package component

import (
	"net"
	"syscall"
	"unsafe"
)

// outQueue returns how many bytes written to c the peer has not yet
// acknowledged (SIOCOUTQ), or -1 when that cannot be told.
func outQueue(c net.Conn) int {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return -1
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	n := int32(-1)
	cerr := raw.Control(func(fd uintptr) {
		var v int32
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&v))); e == 0 {
			n = v
		}
	})
	if cerr != nil {
		return -1
	}
	return int(n)
}
