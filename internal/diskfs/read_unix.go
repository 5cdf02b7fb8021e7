//go:build unix

package diskfs

import (
	"io/fs"
	"syscall"
)

// readRegular reads the file at path with raw system calls, no *os.File.
func readRegular(path string, limit int64) ([]byte, fs.FileMode, int64, error) {
	var fd int
	var err error
	for {
		// O_NONBLOCK: a named pipe opens at once instead of waiting for a
		// writer (and is then refused); reads of regular files ignore it.
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, 0, 0, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if mode := fileMode(uint32(st.Mode)); !mode.IsRegular() {
		return nil, mode, st.Size, nil
	}
	if st.Size > limit {
		return nil, 0, st.Size, nil
	}
	// One byte more than the size at the stat: a read that stops short of
	// it stops at the end, and one that fills it finds a file that grew.
	buf := make([]byte, st.Size+1)
	n := 0
	for {
		k, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, 0, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if k == 0 {
			return buf[:n], 0, int64(n), nil
		}
		n += k
		if int64(n) > limit {
			return nil, 0, int64(n), nil
		}
		if n == len(buf) {
			buf = append(buf, 0)[:cap(buf)] // it grew: read on to the end
		} else if int64(n) == st.Size {
			return buf[:n], 0, int64(n), nil // the end, as the stat said
		}
	}
}

// fileMode is the type of a stat's mode, as fs.FileMode.
func fileMode(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFREG:
		return 0
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return fs.ModeDevice
	}
	return fs.ModeIrregular
}
