//go:build !linux

package publish

import "errors"

func exchange(a, b string) error { return errors.New("atomic exchange not supported") }
