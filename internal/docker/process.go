package docker

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ProcessRunning reports whether a process with this pid runs on this
// machine. A zombie (killed, not yet waited for) does not run.
func ProcessRunning(pid int) bool {
	if pid <= 0 {
		return false
	}
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// pid (comm) state ...: the command may hold spaces and parentheses.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
			return stat[i+2] != 'Z' && stat[i+2] != 'X'
		}
		return true
	} else if _, err := os.Stat("/proc/self"); err == nil {
		return false // /proc works and has no such process
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
