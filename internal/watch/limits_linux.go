package watch

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// limitFile holds the per-user inotify watch limit.
const limitFile = "/proc/sys/fs/inotify/max_user_watches"

// readLimit reads an inotify limit; 0 when unknown.
func readLimit(file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0
	}
	return n
}

// watchesInUse counts the inotify watches held by this user's processes, as
// far as /proc lets us see (best effort: the kernel does not say directly).
func watchesInUse() int {
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	uid := uint32(os.Getuid())
	total := 0
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		dir := filepath.Join("/proc", p.Name())
		if info, err := os.Stat(dir); err != nil {
			continue
		} else if st, ok := info.Sys().(*syscall.Stat_t); !ok || st.Uid != uid {
			continue
		}
		fds, err := os.ReadDir(filepath.Join(dir, "fd"))
		if err != nil {
			continue
		}
		for _, fd := range fds {
			if l, err := os.Readlink(filepath.Join(dir, "fd", fd.Name())); err != nil || l != "anon_inode:inotify" {
				continue
			}
			info, err := os.ReadFile(filepath.Join(dir, "fdinfo", fd.Name()))
			if err == nil {
				total += bytes.Count(info, []byte("inotify wd:"))
			}
		}
	}
	return total
}

// remoteFS names the file system of dir when it is one where file events made
// on another machine (or the VM host) never arrive.
func remoteFS(dir string) (string, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "", false
	}
	switch uint32(st.Type) {
	case 0x6969:
		return "NFS", true
	case 0x517B:
		return "SMB", true
	case 0xFF534D42:
		return "CIFS", true
	case 0xFE534D42:
		return "SMB2", true
	case 0x01021997:
		return "9p (VM shared folder)", true
	case 0x786F4256:
		return "VirtualBox shared folder", true
	case 0x65735546:
		return "FUSE (sshfs, virtiofs or similar)", true
	}
	return "", false
}

// perFileHandles reports whether the platform's watcher opens one handle per
// file (kqueue) rather than one per folder.
const perFileHandles = false
