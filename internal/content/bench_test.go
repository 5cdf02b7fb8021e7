package content

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"testing"

	"kakehashi/internal/config"
)

var benchCfg = &config.Config{Languages: []string{"ja", "en"}}

// benchCorpus is the synthetic corpus of ../shared/bench (generated with
// gencorpus); the sample site stands in when it is not there.
const benchCorpus = "/dev/shm/corpus"

// benchFiles returns up to n typical content files as (site path, data),
// taking every k-th file so that talents and employers in both languages appear.
func benchFiles(b *testing.B, n int) (fs.FS, []string, [][]byte) {
	root := benchCorpus
	if _, err := os.Stat(path.Join(root, Dir)); err != nil {
		root = "../.."
	}
	fsys := os.DirFS(root)
	paths, err := Walk(fsys)
	if err != nil {
		b.Fatal(err)
	}
	step := len(paths)/n + 1
	var ps []string
	var datas [][]byte
	for i := 0; i < len(paths); i += step {
		data, err := fs.ReadFile(fsys, paths[i])
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, paths[i])
		datas = append(datas, data)
	}
	return fsys, ps, datas
}

// frontBlock returns the YAML between the --- lines of a file.
func frontBlock(data []byte) []byte {
	_, rest, _ := bytes.Cut(data, []byte("---\n"))
	front, _, _ := bytes.Cut(rest, []byte("\n---\n"))
	return append(front, '\n')
}

// BenchmarkDecodeYAML decodes the front matter blocks of typical files.
func BenchmarkDecodeYAML(b *testing.B) { benchDecode(b, decodeYAML) }

// BenchmarkDecodeYAMLv3 decodes the same blocks with yaml.v3 alone, as
// decodeYAML did before its fast path.
func BenchmarkDecodeYAMLv3(b *testing.B) { benchDecode(b, decodeYAMLNodes) }

func benchDecode(b *testing.B, decode func([]byte, any) error) {
	_, _, datas := benchFiles(b, 200)
	var fronts [][]byte
	for _, d := range datas {
		fronts = append(fronts, frontBlock(d))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var m map[string]any
		if err := decode(fronts[i%len(fronts)], &m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFront splits and decodes the front matter of typical files.
func BenchmarkParseFront(b *testing.B) {
	_, ps, datas := benchFiles(b, 200)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := &Source{Path: ps[i%len(ps)], Raw: datas[i%len(datas)]}
		if err := s.parseFront(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse parses typical files already in memory.
func BenchmarkParse(b *testing.B) {
	_, ps, datas := benchFiles(b, 200)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(ps[i%len(ps)], datas[i%len(datas)], benchCfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFile reads and parses typical files from disk.
func BenchmarkReadFile(b *testing.B) {
	fsys, ps, _ := benchFiles(b, 200)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ReadFile(fsys, ps[i%len(ps)], benchCfg); err != nil {
			b.Fatal(err)
		}
	}
}
