package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"kakehashi/internal/config"
	"kakehashi/internal/content"
)

const newSynopsis = `new talent SLUG [-s DIR]
       kakehashi new employer SLUG [-s DIR]
       kakehashi new site DIR

  talent SLUG    write content/talents/SLUG.<lang>.md in every language of site.yaml
  employer SLUG  write content/employers/SLUG.<lang>.md in every language of site.yaml
  site DIR       write a minimal working site in DIR (created if missing)

New stories hold every front-matter field, and a consent block that starts as
publish: false: nothing is published until someone records the person's consent.
No file is ever overwritten.`

// runNew creates a site, or a talent or employer story in every language.
func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("new", newSynopsis, stdout, stderr)
	source := "."
	fs.StringVar(&source, "source", ".", "site folder (holds site.yaml and content/)")
	fs.StringVar(&source, "s", ".", "short for --source")
	pos, code, done := parseMixed(fs, args, stderr)
	if done {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "kakehashi new: "+format+"\n", a...)
		return code
	}
	if len(pos) == 0 {
		return fail(2, "say what to create: talent SLUG, employer SLUG or site DIR; run 'kakehashi help new'")
	}
	kind, rest := pos[0], pos[1:]
	var files []newFile
	var root string
	switch kind {
	case "talent", "employer":
		if len(rest) != 1 {
			return fail(2, "give one slug, like 'kakehashi new %s amina-k'", kind)
		}
		cfg, err := config.Load(os.DirFS(source))
		if err != nil {
			return fail(1, "%v (give the site folder with -s DIR)", err)
		}
		root = source
		if files, err = storyFiles(os.DirFS(source), kind, rest[0], cfg.Languages, today()); err != nil {
			return fail(1, "%v", err)
		}
	case "site":
		if len(rest) != 1 {
			return fail(2, "give the folder to create the site in, like 'kakehashi new site my-site'")
		}
		if source != "." {
			return fail(2, "-s is not used with 'new site': give the folder as DIR")
		}
		root = rest[0]
		files = siteFiles(today())
	default:
		return fail(2, "unknown kind %q: use talent, employer or site; run 'kakehashi help new'", kind)
	}
	if err := writeNew(root, files); err != nil {
		return fail(1, "%v", err)
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "created %s\n", filepath.Join(root, filepath.FromSlash(f.path)))
	}
	if kind == "site" {
		fmt.Fprintf(stdout, "\nNext: kakehashi build -s %s, then kakehashi serve -s %s to preview it.\n", root, root)
	} else {
		fmt.Fprintln(stdout, "\nNext: write the story in each file. It stays unpublished until you record the person's consent\nin its consent block and set consent.publish to true.")
	}
	return 0
}

// parseMixed parses flags placed before, between or after the arguments
// ("new talent amina-k -s site"), which flag.Parse alone stops at.
func parseMixed(fs *flag.FlagSet, args []string, stderr io.Writer) (pos []string, code int, done bool) {
	for {
		err := fs.Parse(args)
		if helpAsked(fs) {
			return nil, 0, true
		}
		if err != nil {
			fmt.Fprintf(stderr, "kakehashi %s: %v; run 'kakehashi help %s'\n", fs.Name(), err, fs.Name())
			return nil, 2, true
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, 0, false
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

func today() time.Time {
	n := time.Now()
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// newFile is one file to create, at a slash path under the target folder.
type newFile struct {
	path string
	data string
}

// storyFiles returns the files of a new talent or employer story, one per
// language, refusing a slug that a story in the section already uses.
func storyFiles(site fs.FS, kind, slug string, langs []string, date time.Time) ([]newFile, error) {
	if !content.ValidSlug(slug) {
		return nil, fmt.Errorf("slug %q may hold only letters, digits, - and _, and must start with a letter or digit (like amina-k)", slug)
	}
	section := kind + "s"
	dir := "content/" + section
	err := fs.WalkDir(site, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		stem, isMD := strings.CutSuffix(d.Name(), ".md")
		if d.IsDir() || !isMD {
			return nil
		}
		// amina-k.md, amina-k.en.md, 2024/amina-k.ja.md are all the story amina-k.
		if before, _, _ := strings.Cut(stem, "."); before == slug {
			return fmt.Errorf("%s already holds the story %q: choose another slug, or edit that file", p, slug)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var files []newFile
	for _, lang := range langs {
		s := story{Kind: kind, Slug: slug, Lang: lang, Langs: langs, Date: date}
		files = append(files, newFile{path: path.Join(dir, slug+"."+lang+".md"), data: s.render()})
	}
	return files, nil
}

// writeNew creates files under root, refusing to overwrite any. It checks them
// all before writing one, and removes what it wrote if a later file fails.
func writeNew(root string, files []newFile) error {
	for _, f := range files {
		name := filepath.Join(root, filepath.FromSlash(f.path))
		if _, err := os.Lstat(name); err == nil {
			return fmt.Errorf("%s already exists: nothing was written (kakehashi new never overwrites a file)", name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	var written []string
	undo := func() {
		for _, name := range written {
			os.Remove(name)
		}
	}
	for _, f := range files {
		name := filepath.Join(root, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			undo()
			return err
		}
		out, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			undo()
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s already exists: nothing was written (kakehashi new never overwrites a file)", name)
			}
			return err
		}
		written = append(written, name)
		_, err = io.WriteString(out, f.data)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			undo()
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// story is a new talent or employer file in one language. The empty fields
// are for the author to fill; Example fills them for the site skeleton.
type story struct {
	Kind, Slug, Lang string
	Langs            []string
	Date             time.Time
	// Example fields (new site): title, alias, role, skills, industry, and body.
	Title, Alias, Role, Body string
	Skills                   []string
}

// words are the comments and placeholder text of new stories, per language;
// a language without its own falls back to English.
var words = map[string]map[string]string{
	"ja": {
		"talent.head":     "人材ストーリー「%s」（kakehashi new で作成）。\n# 本人の同意を記録するまで公開されません（consent.publish: false）。",
		"employer.head":   "企業インタビュー「%s」（kakehashi new で作成）。\n# 企業の承認を記録するまで公開されません（consent.publish: false）。",
		"title":           "記事のタイトル（必須。空のまま公開しようとするとビルドが止まります）",
		"name":            "本名。consent.real_name: true のときだけ表示されます",
		"alias":           "本名の代わりに表示する呼び名（例：A.K.）",
		"role":            "職種（例：ネットワークエンジニア）",
		"summary":         "一覧に出す短い紹介（任意。空なら本文の最初の段落）",
		"skills":          "スキル（例：[networking, linux]）。表示名は site.yaml の terms で",
		"photo":           "写真のファイル名（このファイルと同じフォルダ）。consent.photo: true のときだけ公開",
		"employer":        "勤務先の企業記事のスラッグ（任意。例：city-systems）",
		"company":         "企業名",
		"industry":        "業種（例：IT、manufacturing）。表示名は site.yaml の terms で",
		"talents":         "この企業で働く人材記事のスラッグ（任意。例：[amina-k]）",
		"date":            "記事の日付 YYYY-MM-DD",
		"draft":           "true のあいだは下書き（公開されません）",
		"consent.head":    "同意の記録。同意書を確認し、その内容をここに書いた人だけが publish を true にします。",
		"consent.publish": "同意を記録したら true に。true 以外（\"true\" や yes も）では公開されません",
		"consent.langs":   "公開に同意した言語。ここにない言語の版は公開されません",
		"consent.expires": "同意の期限（任意）。# を消して日付を書くと、その日から公開されなくなります",
		"consent.real":    "本名（name）の表示に同意したときだけ true",
		"consent.photo":   "写真（photo）の公開に同意したときだけ true",
		"consent.by":      "同意した人（記録用。サイトには表示されません）",
		"consent.on":      "同意した日 YYYY-MM-DD（記録用。サイトには表示されません）",
		"consent.approve": "承認した部署や担当者（記録用。サイトには表示されません）",
		"talent.body":     "ここに本文を書きます。本人の言葉をできるだけそのまま伝えてください。本名を出す同意がなければ、本文でも呼び名（alias）を使います。\n\n## 見出し\n\n**質問**\n\n答え\n",
		"employer.body":   "ここに本文を書きます。会社の紹介、採用のきっかけ、社内で変わったことなど。人材の名前は、その人の記事で本名の表示に同意がある場合だけ書けます。\n\n## 見出し\n\n**質問**\n\n答え\n",
	},
	"en": {
		"talent.head":     "Talent story %q (created by kakehashi new).\n# Not published until the person's consent is recorded (consent.publish: false).",
		"employer.head":   "Employer story %q (created by kakehashi new).\n# Not published until the company's approval is recorded (consent.publish: false).",
		"title":           "title of the story (required: a build stops if it is published without one)",
		"name":            "real name: shown only with consent.real_name: true",
		"alias":           "what the story calls the person instead of the real name (e.g. A.K.)",
		"role":            "job (e.g. Network engineer)",
		"summary":         "short text for lists (optional; default: the first paragraph)",
		"skills":          "skills (e.g. [networking, linux]); labels in site.yaml terms",
		"photo":           "photo file name, beside this file: published only with consent.photo: true",
		"employer":        "slug of the employer's story (optional, e.g. city-systems)",
		"company":         "company name",
		"industry":        "industry (e.g. IT, manufacturing); labels in site.yaml terms",
		"talents":         "slugs of the talents' stories at this company (optional, e.g. [amina-k])",
		"date":            "date of the story, YYYY-MM-DD",
		"draft":           "true keeps it a draft (not published)",
		"consent.head":    "The consent record. Only someone who has seen the signed consent and written it here sets publish to true.",
		"consent.publish": "true once consent is recorded; anything else (\"true\" in quotes, yes) keeps it offline",
		"consent.langs":   "languages consented to: a translation in any other language is not published",
		"consent.expires": "optional: the day consent ends; remove the # and set it: from that day it is taken down",
		"consent.real":    "true only if the person agreed to show their real name (name)",
		"consent.photo":   "true only if the person agreed to show their photo (photo)",
		"consent.by":      "who gave consent (record only, never published)",
		"consent.on":      "the day consent was given, YYYY-MM-DD (record only, never published)",
		"consent.approve": "who at the company approved it (record only, never published)",
		"talent.body":     "Write the story here, keeping the person's own words where you can. Without consent to the real name, use the alias in the text too.\n\n## A heading\n\n**A question**\n\nThe answer.\n",
		"employer.body":   "Write the story here: the company, how the hiring came about, what changed at work. Name a talent only where their own story has consent to the real name.\n\n## A heading\n\n**A question**\n\nThe answer.\n",
	},
}

// render writes the file: front matter with a comment on every field, then the body.
func (s story) render() string {
	w, ok := words[s.Lang]
	if !ok {
		w = words["en"]
	}
	var b strings.Builder
	field := func(indent, key, value, comment string) {
		line := indent + key + ": " + value
		fmt.Fprintf(&b, "%-28s # %s\n", line, w[comment])
	}
	b.WriteString("---\n# " + fmt.Sprintf(w[s.Kind+".head"], s.Slug) + "\n")
	field("", "title", quote(s.Title), "title")
	if s.Kind == "talent" {
		field("", "name", `""`, "name")
		field("", "alias", quote(s.Alias), "alias")
		field("", "role", quote(s.Role), "role")
		field("", "summary", `""`, "summary")
		field("", "skills", list(s.Skills), "skills")
		field("", "photo", `""`, "photo")
		field("", "employer", `""`, "employer")
	} else {
		field("", "company", `""`, "company")
		field("", "industry", `""`, "industry")
		field("", "summary", `""`, "summary")
		field("", "talents", "[]", "talents")
	}
	field("", "date", s.Date.Format("2006-01-02"), "date")
	field("", "draft", "false", "draft")
	b.WriteString("consent:\n  # " + w["consent.head"] + "\n")
	field("  ", "publish", "false", "consent.publish")
	field("  ", "languages", list(s.Langs), "consent.langs")
	field("  # ", "expires", s.Date.AddDate(2, 0, 0).Format("2006-01-02"), "consent.expires")
	if s.Kind == "talent" {
		field("  ", "real_name", "false", "consent.real")
		field("  ", "photo", "false", "consent.photo")
		field("  ", "given_by", `""`, "consent.by")
		field("  ", "given_on", `""`, "consent.on")
	} else {
		field("  ", "approved_by", `""`, "consent.approve")
	}
	b.WriteString("---\n")
	if s.Body != "" {
		b.WriteString(s.Body)
	} else {
		b.WriteString(w[s.Kind+".body"])
	}
	return b.String()
}

// quote writes a YAML double-quoted string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func list(items []string) string { return "[" + strings.Join(items, ", ") + "]" }

// siteFiles is a minimal site: settings, the home page text, the talents
// section and one example story that is not published (publish: false).
func siteFiles(date time.Time) []newFile {
	langs := []string{"ja", "en"}
	files := []newFile{
		{"site.yaml", `# Site settings (see the kakehashi README).
title: { ja: "難民人材ストーリー", en: "Refugee Talent Stories" }
description:
  ja: "難民・難民認定申請者として日本で暮らす人材と、その力を生かす企業の物語を、本人の同意にもとづいて紹介します。"
  en: "Stories of refugees and asylum-seekers building careers in Japan, published only with their consent."
# The address the site is served from; kakehashi build --base-url overrides it.
baseURL: https://example.org/
# The first language is the default.
languages: [ja, en]
# Labels of skill and industry terms (terms[term][lang] = label).
terms:
  networking: { ja: "ネットワーク", en: "Networking" }
`},
		{".gitignore", "# The build output: rebuilt by kakehashi build, never edited by hand.\npublic/\n"},
		{"content/_index.ja.md", "---\ntitle: \"難民人材ストーリー\"\n---\nこのサイトでは、日本で新しいキャリアを築く難民人材と、その人たちを採用した企業の物語を紹介します。すべての記事は、本人または企業の同意を得て公開しています。\n\n- [人材ストーリー](/ja/talents/)\n"},
		{"content/_index.en.md", "---\ntitle: \"Refugee Talent Stories\"\n---\nThis site tells the stories of refugees building new careers in Japan, and of the companies that hired them. Every story is published with the consent of the person or company it describes.\n\n- [Talent stories](/en/talents/)\n"},
		{"content/talents/_index.ja.md", "---\ntitle: \"人材ストーリー\"\n---\n日本で新しいキャリアを築く人たちの物語です。\n"},
		{"content/talents/_index.en.md", "---\ntitle: \"Talent stories\"\n---\nPeople building new careers in Japan.\n"},
	}
	example := map[string]story{
		"ja": {Title: "（例）ネットワークエンジニアの再出発", Alias: "A.K.", Role: "ネットワークエンジニア",
			Body: "これは記事の例です。本人の同意が記録されていないので（consent.publish: false）、サイトには公開されません。\n\nA.K.さんは母国で8年間、ネットワークエンジニアとして働いていました。\n"},
		"en": {Title: "(Example) A network engineer's second start", Alias: "A.K.", Role: "Network engineer",
			Body: "This is an example story. No consent is recorded for it (consent.publish: false), so it is not published.\n\nA.K. worked as a network engineer for eight years before coming to Japan.\n"},
	}
	for _, lang := range langs {
		s := example[lang]
		s.Kind, s.Slug, s.Lang, s.Langs, s.Date, s.Skills = "talent", "example", lang, langs, date, []string{"networking"}
		files = append(files, newFile{"content/talents/example." + lang + ".md", s.render()})
	}
	return files
}
