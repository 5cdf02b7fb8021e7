package build_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kakehashi/internal/build"
	"kakehashi/internal/imagemeta"
)

// samplePhoto is a JPEG of the sample site carrying EXIF with GPS and a comment.
func samplePhoto(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../content/talents/thiha-a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if md, _ := imagemeta.Metadata(imagemeta.JPEG, data); len(md) == 0 {
		t.Fatal("sample photo has no metadata to strip; the test would prove nothing")
	}
	return string(data)
}

func talentWithPhoto(slug, photo string, consentPhoto bool) string {
	c := "false"
	if consentPhoto {
		c = "true"
	}
	return "---\ntitle: \"Story of " + slug + "\"\nalias: \"" + strings.ToUpper(slug[:1]) + ".\"\nphoto: " + photo + "\ndate: 2024-01-01\nconsent:\n  publish: true\n  photo: " + c + "\n---\nText.\n"
}

func photoSite(t *testing.T, extra map[string]string) string {
	files := map[string]string{
		"site.yaml":                    siteFiles["site.yaml"],
		"content/talents/yes.en.md":    talentWithPhoto("yes", "yes.jpg", true),
		"content/talents/yes.ja.md":    talentWithPhoto("yes", "yes.jpg", true),
		"content/talents/yes.jpg":      samplePhoto(t),
		"content/talents/no.en.md":     talentWithPhoto("no", "no-photo.jpg", false),
		"content/talents/no-photo.jpg": samplePhoto(t),
		"content/talents/loose.jpg":    samplePhoto(t),
		"content/talents/notes.txt":    "internal notes: do not publish",
	}
	for k, v := range extra {
		files[k] = v
	}
	return writeSite(t, files)
}

func TestPhotosPublishedOnlyWithConsentAndStripped(t *testing.T) {
	src := photoSite(t, nil)
	dest := filepath.Join(t.TempDir(), "public")
	runBuild(t, src, dest)
	files := readTree(t, dest)
	var images []string
	for name := range files {
		if strings.HasSuffix(name, ".jpg") || strings.HasSuffix(name, ".txt") && name != "robots.txt" {
			images = append(images, name)
		}
	}
	if len(images) != 1 || images[0] != "ja/talents/yes/yes.jpg" {
		t.Fatalf("published images = %v, want only ja/talents/yes/yes.jpg (copied once)", images)
	}
	photo := files["ja/talents/yes/yes.jpg"]
	if md, err := imagemeta.Metadata(imagemeta.JPEG, photo); err != nil || len(md) > 0 {
		t.Errorf("published photo still has metadata %v (err %v)", md, err)
	}
	if bytes.Contains(photo, []byte("sample metadata")) {
		t.Error("published photo still holds its comment")
	}
	for _, page := range []string{"en/talents/yes/index.html", "ja/talents/yes/index.html"} {
		if !strings.Contains(string(files[page]), `src="/ja/talents/yes/yes.jpg" alt="Y."`) {
			t.Errorf("%s does not show the photo with alt text", page)
		}
	}
	if strings.Contains(string(files["en/talents/no/index.html"]), "no-photo") {
		t.Error("a photo without consent is referenced")
	}
}

func TestPhotoOutsideContentIsRefused(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.jpg")
	if err := os.WriteFile(outside, []byte(samplePhoto(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, photo string
		setup       func(src string)
		file, want  string
	}{
		{"parent folder", "../../secret.jpg", nil, "content/talents/bad.en.md:4:", "points outside the content folder"},
		{"absolute", outside, nil, "content/talents/bad.en.md:4:", "absolute path"},
		{"symlink", "link.jpg", func(src string) {
			if err := os.Symlink(outside, filepath.Join(src, "content/talents/link.jpg")); err != nil {
				t.Fatal(err)
			}
		}, "content/talents/link.jpg", "symbolic links are not allowed"},
		{"missing", "nothere.jpg", nil, "content/talents/bad.en.md:4:", "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := photoSite(t, map[string]string{"content/talents/bad.en.md": talentWithPhoto("bad", tt.photo, true)})
			if tt.setup != nil {
				tt.setup(src)
			}
			_, err := build.Run(build.Options{Source: src, Destination: filepath.Join(t.TempDir(), "public"), Now: now})
			if err == nil || !strings.Contains(err.Error(), tt.file) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %s … %s", err, tt.file, tt.want)
			}
		})
	}
}

func TestInvalidImageFailsTheBuild(t *testing.T) {
	src := photoSite(t, map[string]string{"static/images/broken.png": "this is not a PNG"})
	_, err := build.Run(build.Options{Source: src, Destination: filepath.Join(t.TempDir(), "public"), Now: now})
	if err == nil || !strings.Contains(err.Error(), "static/images/broken.png") {
		t.Fatalf("err = %v, want an error naming static/images/broken.png", err)
	}
}
