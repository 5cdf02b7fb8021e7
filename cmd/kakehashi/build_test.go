package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildCommand(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"build", "-s", "../..", "-d", dest, "--now", "2026-11-25", "--verify"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"built: ja ", " pages, en ", "skipped 9:", "2 expired", "; in "} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q: %s", want, out)
		}
	}
	if strings.Contains(out+stderr.String(), "\x1b[") {
		t.Error("colour codes written to a non-terminal")
	}
	if !strings.Contains(stderr.String(), "content/talents/mariam-h.en.md: skipped: consent.publish is false") {
		t.Errorf("skips not reported: %s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dest, "ja/index.html")); err != nil {
		t.Error(err)
	}
}

func TestCommandErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"nosuch"}, 2, `unknown command "nosuch"; run 'kakehashi help'`},
		{[]string{"build", "--bogus"}, 2, "flag provided but not defined: -bogus; run 'kakehashi help build'"},
		{[]string{"build", "--now", "June"}, 2, `--now "June": write the date as YYYY-MM-DD`},
		{[]string{"build", "-s", "/nonexistent-site"}, 1, "site.yaml"},
		{nil, 2, "Usage: kakehashi <command>"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
		if strings.Count(stderr.String(), "\n") > 3 && tt.args != nil {
			t.Errorf("%v: error is not short: %q", tt.args, stderr.String())
		}
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	for name := range commands() {
		if name == "help" {
			continue
		}
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{name, "--help"}, &stdout, &stderr); code != 0 {
			t.Errorf("%s --help: exit %d (%s)", name, code, stderr.String())
		}
		if strings.Count(stdout.String(), "Usage: kakehashi "+name) != 1 {
			t.Errorf("%s --help: usage not printed exactly once: %q", name, stdout.String())
		}
	}
}

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "kakehashi ") {
		t.Errorf("version: %d %q", code, stdout.String())
	}
}
