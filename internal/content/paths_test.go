package content_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kakehashi/internal/content"
)

// TestHostileNamesAreRefused: a slug, photo, cross-reference or folder name
// that could reach outside content/ or the output folder stops the build with
// the file, the line and the reason.
func TestHostileNamesAreRefused(t *testing.T) {
	tests := []struct {
		name, file, front, want string
	}{
		{"slug climbs", "", `slug: ../../x`, ":2: slug"},
		{"slug is ..", "", `slug: ".."`, ":2: slug"},
		{"slug absolute", "", `slug: /etc/x`, ":2: slug"},
		{"slug with slash", "", `slug: a/b`, ":2: slug"},
		{"slug with backslash", "", `slug: "a\\b"`, ":2: slug"},
		{"slug with NUL", "", `slug: "a\0b"`, ":2: slug"},
		{"slug with drive", "", `slug: "C:x"`, ":2: slug"},
		{"slug hidden", "", `slug: .x`, ":2: slug"},
		{"photo climbs", "", `photo: ../../../etc/passwd.jpg`, ":2: photo"},
		{"photo absolute", "", `photo: /etc/x.jpg`, ":2: photo"},
		{"photo Windows absolute", "", `photo: "C:\\x.jpg"`, ":2: photo"},
		{"photo UNC", "", `photo: "\\\\server\\share\\x.jpg"`, ":2: photo"},
		{"photo backslash climbs", "", `photo: "..\\..\\x.jpg"`, ":2: photo"},
		{"photo NUL", "", `photo: "x\0.jpg"`, ":2: photo"},
		{"photo line break", "", `photo: "x\n.jpg"`, ":2: photo"},
		{"photo URL", "", `photo: https://example.org/x.jpg`, ":2: photo"},
		{"photo is another story", "", `photo: withdrawn.en.md`, ":2: photo"},
		{"photo is a note", "", `photo: notes.txt`, ":2: photo"},
		{"employer climbs", "", `employer: ../x`, ":2: "},
		{"talents absolute", "", `talents: [/etc/x]`, ":2: "},
		{"folder with backslash", "content/a\\b/x.en.md", `title: A`, `folder name "a\\b"`},
		{"folder with space", "content/a b/x.en.md", `title: A`, `folder name "a b"`},
		{"folder with markup", "content/<i>/x.en.md", `title: A`, `folder name "<i>"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "content/talents/x.en.md"
			}
			_, err := content.Parse(file, []byte("---\n"+tt.front+"\n---\nBody\n"), cfg)
			if err == nil {
				t.Fatalf("accepted %s", tt.front)
			}
			if !strings.HasPrefix(err.Error(), file+":") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to start with %s: and hold %q", err, file, tt.want)
			}
		})
	}
}

func TestSafeNamesAreAccepted(t *testing.T) {
	for _, front := range []string{
		"slug: amina-k", "slug: あおば食堂", "photo: a.jpg", "photo: ./photos/a.PNG", "photo: ../other/a.webp", "photo: a.jpeg",
	} {
		if _, err := content.Parse("content/talents/x.en.md", []byte("---\n"+front+"\n---\n"), cfg); err != nil {
			t.Errorf("%s: %v", front, err)
		}
	}
	src, err := content.Parse("content/talents/x.en.md", []byte("---\nphoto: ../other/a.webp\n---\n"), cfg)
	if err != nil || src.Meta.Photo != "content/other/a.webp" {
		t.Errorf("photo resolved to %q (%v)", src.Meta.Photo, err)
	}
}

// TestLinksAreRefused: a link can point anywhere on the machine, so neither a
// linked file, a linked folder nor a linked content folder is read.
func TestLinksAreRefused(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.en.md")
	if err := os.WriteFile(secret, []byte("---\ntitle: secret\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, link, target, want string
	}{
		{"linked file", "content/talents/x.en.md", secret, "content/talents/x.en.md: symbolic links are not allowed"},
		{"linked folder", "content/talents", outside, "content/talents: symbolic links are not allowed"},
		{"linked content folder", "content", outside, "content/: is a symbolic link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := t.TempDir()
			link := filepath.Join(site, filepath.FromSlash(tt.link))
			if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tt.target, link); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
			_, err := content.Load(os.DirFS(site), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
