package leakscan

import (
	"bytes"
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kakehashi/internal/cputime"
)

// A generated site like the one kakehashi builds: minified pages of about
// 9 KB in English and Japanese (head, SVG icons, navigation, a story of
// paragraphs from a small vocabulary, cards, footer), listing pages of a few
// megabytes, a JSON search index and an XML sitemap, scanned for a needle
// set like the one the guard makes: real names (Latin, kanji, katakana, and
// "Person 01234 Fullname"), titles, slugs and whole sentences of the
// stories that are not published. The needles share the pages' vocabulary,
// so the automaton often walks deep into a sentence before it fails, as on
// a real site; only a few pages contain a needle.

var (
	siteWords = strings.Fields(`the engineer English role project design market quality system data
		weekly training Japanese refugee colleagues first learned manager team hired office Tokyo
		mentor company feedback growth customer interview together responsibility trust support
		language culture career process product we visa talent year skills`)
	siteJaHeads = []string{"お客様からの", "在留資格の", "日本語の研修を", "毎週フィードバックを", "新しいポジションを",
		"チームと一緒に", "難民人材を", "私たちは", "最初の一年は", "メンターが"}
	siteJaTails = []string{"続けています。", "行っています。", "学びました。", "共に作りました。", "信頼も高まっています。",
		"安定につながりました。", "採用しました。"}
	siteRoles  = []string{"Supply-chain planner", "Backend developer", "Network engineer", "Interpreter", "Accountant", "Data analyst", "UX designer", "Sales lead"}
	siteSkills = []string{"logistics", "cooking", "go", "sales", "java", "networking", "teaching", "linux", "security", "nursing", "accounting", "translation", "python"}
	firstNames = strings.Fields(`Amina Yusuf Fatima Omar Leila Hassan Mariam Ahmad Nadia Karim Zainab Ali Samir Huda
		Rania Tariq Yasmin Bilal Soraya Farid Dawit Selam Abebe Hana Tesfaye Meron Aung Thida Kyaw Su Min Htet
		Olena Taras Iryna Bohdan Oksana Dmytro Ahmed Noor Khalid Salma Jamal Layla Mustafa Aisha Ibrahim Sara`)
	lastNames = strings.Fields(`Karimi Yusuf Haddad Rahimi Nasser Aziz Mansour Sultani Hakimi Qureshi Tesfaye Bekele
		Girma Haile Mekonnen Win Aung Naing Thein Kovalenko Shevchenko Bondarenko Tkachenko Melnyk Sadeghi
		Jafari Hosseini Ahmadi Mohammadi Rezaei Farouk Khalil Saleh Darwish Abdi Warsame Osman`)
	kanjiFamily = []string{"山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "松本", "井上", "木村", "林"}
	kanjiGiven  = []string{"太郎", "花子", "明華", "健一", "美咲", "大輔", "陽子", "翔太", "結衣", "直樹", "明", "愛"}
	kataNames   = []string{"アミナ", "カリミ", "ユスフ", "ファティマ", "オマル", "レイラ", "ハッサン", "マリアム", "ナディア", "サミル", "ダウィト", "オレナ"}
)

func siteSentence(r *rand.Rand, words int) string {
	parts := make([]string, words)
	for i := range parts {
		parts[i] = siteWords[r.IntN(len(siteWords))]
	}
	return strings.Join(parts, " ") + "."
}

func siteJaSentence(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		if r.IntN(3) > 0 {
			b.WriteString(siteJaHeads[r.IntN(len(siteJaHeads))])
		}
		b.WriteString(siteJaTails[r.IntN(len(siteJaTails))])
	}
	return b.String()
}

// siteNeedles returns n needles like the guard's for a site of 4,000
// talents, about one in ten unconsented; their numbers are 4000 and up, so
// pages (numbered below 4000) never contain them by accident.
func siteNeedles(n int, seed uint64) []Needle {
	r := rand.New(rand.NewPCG(seed, 3))
	seen := map[string]bool{}
	var out []Needle
	for len(out) < n {
		id := 4000 + r.IntN(6000)
		owner := fmt.Sprintf("talents/talent-%05d", id)
		var nd Needle
		switch k := r.IntN(20); {
		case k < 3:
			nd = Needle{Text: firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))] + " " + lastNames[r.IntN(len(lastNames))], Kind: "real name"}
		case k < 5:
			nd = Needle{Text: fmt.Sprintf("Person %05d Fullname", id), Kind: "real name"}
		case k < 6:
			nd = Needle{Text: kanjiFamily[r.IntN(len(kanjiFamily))] + " " + kanjiGiven[r.IntN(len(kanjiGiven))] + kanjiGiven[r.IntN(len(kanjiGiven))], Kind: "real name"}
		case k < 7:
			nd = Needle{Text: kataNames[r.IntN(len(kataNames))] + "・" + kataNames[r.IntN(len(kataNames))], Kind: "real name"}
		case k < 9:
			nd = Needle{Text: fmt.Sprintf("%s %d", siteRoles[r.IntN(len(siteRoles))], id), Kind: "title"}
		case k < 11:
			nd = Needle{Text: fmt.Sprintf("talents/talent-%05d/", id), Kind: "slug"}
		case k < 12:
			nd = Needle{Text: fmt.Sprintf("Company %05d", id), Kind: "company"}
		case k < 16:
			s := siteSentence(r, 12+r.IntN(14))
			nd = Needle{Text: strings.ToUpper(s[:1]) + s[1:], Kind: "sentence"}
		default:
			var t strings.Builder
			for range 4 + r.IntN(4) {
				t.WriteString(siteJaHeads[r.IntN(len(siteJaHeads))] + siteJaTails[r.IntN(len(siteJaTails))])
			}
			nd = Needle{Text: t.String(), Kind: "sentence"}
		}
		if k := Normalize(nd.Text); seen[k] {
			continue
		} else {
			seen[k] = true
		}
		nd.Owner = owner
		out = append(out, nd)
	}
	return out
}

const siteIcon = `<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="18" height="18"><circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M2.5 12h19M12 2.5c2.6 2.7 4 6 4 9.5s-1.4 6.8-4 9.5c-2.6-2.7-4-6-4-9.5s1.4-6.8 4-9.5z" fill="none" stroke="currentColor" stroke-width="1.8"/></svg>`

// sitePage returns a talent page like kakehashi's, in lang ("en" or "ja").
func sitePage(r *rand.Rand, lang string, id int) []byte {
	var b bytes.Buffer
	role := siteRoles[r.IntN(len(siteRoles))]
	para := func() string {
		if lang == "ja" {
			return siteJaSentence(r, 8+r.IntN(10))
		}
		return siteSentence(r, 20+r.IntN(5)) + " " + siteSentence(r, 20+r.IntN(5)) + " " + siteSentence(r, 20+r.IntN(5))
	}
	site := map[string]string{"en": "Refugee Talent Stories", "ja": "難民人材ストーリー"}[lang]
	fmt.Fprintf(&b, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>%s %d | %s</title><meta name="description" content="%s…">`, lang, role, id, site, para()[:120])
	for _, l := range []string{lang, "ja", "en", "x-default"} {
		fmt.Fprintf(&b, `<link rel="alternate" hreflang="%s" href="https://example.org/%s/talents/talent-%05d/">`, l, lang, id)
	}
	fmt.Fprintf(&b, `<link rel="alternate" type="application/atom+xml" title="%s" href="/%s/feed.xml"><meta name="color-scheme" content="light dark"><meta name="theme-color" content="#fbf9f5" media="(prefers-color-scheme: light)"><link rel="stylesheet" href="/theme/kakehashi.css"><script src="/theme/kakehashi.js" defer></script></head>`, site, lang)
	fmt.Fprintf(&b, `<body class="kind-talent"><a class="skip-link" href="#main">Skip</a><header class="site-header"><div class="wrap header-inner"><a class="site-title" href="/%s/"><svg class="site-mark" aria-hidden="true" focusable="false" viewBox="0 0 48 28" width="40" height="24"><path d="M3 24Q24-6 45 24" fill="none" stroke="currentColor" stroke-width="3.5" stroke-linecap="round"/><path d="M12 19v-7m6 7V8m6 11V6m6 13V8m6 11v-7" stroke="currentColor" stroke-width="2"/></svg><span>%s</span></a>`, lang, site)
	fmt.Fprintf(&b, `<nav class="site-nav" aria-label="Main"><ul class="nav"><li><a href="/%s/employers/">Employers</a></li><li><a href="/%s/talents/" aria-current="true">Talents</a></li></ul></nav><div class="header-tools"><form class="search" role="search" hidden data-index="/%s/search.json"><label for="search-q">Search</label>`+"\n"+`<input id="search-q" type="search" name="q" autocomplete="off"><ul class="search-results" aria-live="polite"></ul></form><nav class="lang-switch"><ul><li><a href="/en/talents/talent-%05d/" hreflang="en">%sEnglish</a></li></ul></nav></div></div></header>`, lang, lang, lang, id, siteIcon)
	name := fmt.Sprintf("P.%d", id)
	if r.IntN(2) == 0 {
		name = fmt.Sprintf("Person %05d Fullname", id)
	}
	fmt.Fprintf(&b, `<main id="main" tabindex="-1"><article class="wrap item talent"><header class="item-header"><nav class="breadcrumb" aria-label="Breadcrumb"><ol><li><a href="/%s/">Home</a></li><li><a href="/%s/talents/">Talents</a></li></ol></nav><h1>%s %d</h1><p class="meta"><time datetime="2023-03-15">15 March 2023</time>`+"\n"+`<span class="reading-time">Reading time: 2 min</span></p></header>`, lang, lang, role, id)
	fmt.Fprintf(&b, `<div class="item-layout"><div class="profile"><h2 class="profile-heading">Profile</h2><dl class="facts"><div><dt>Name</dt><dd class="person-name">%s</dd></div><div><dt>Role</dt><dd>%s</dd></div><div><dt>Skills</dt><dd><ul class="tags">`, name, role)
	for range 2 {
		s := siteSkills[r.IntN(len(siteSkills))]
		fmt.Fprintf(&b, `<li><a href="/%s/skills/%s/">%s</a></li>`, lang, s, s)
	}
	emp := r.IntN(1000)
	fmt.Fprintf(&b, `</ul></dd></div><div><dt>Works at</dt><dd><a href="/%s/employers/employer-%05d/">Company %05d Co., Ltd.</a></dd></div></dl></div><div class="prose">`, lang, emp, emp)
	for q := 1; q <= 5; q++ {
		fmt.Fprintf(&b, `<h2 id="question-%d">Question %d</h2><p>%s</p>`, q, q, para())
		if q == 3 {
			fmt.Fprintf(&b, `<ul><li><p>%s</p></li><li><p><strong>%s</strong></p></li><li><p><a href="https://example.org/">%s</a></p></li></ul>`, para()[:150], para()[:120], para()[:150])
		}
	}
	fmt.Fprintf(&b, `</div></div><section class="related"><h2 id="employer-heading">Interview with the employer</h2><ul class="cards"><li><article class="card card-employer"><h3 class="card-title"><a href="/%s/employers/employer-%05d/">Case study %d</a></h3><p class="card-summary">%s…</p><p class="card-date"><time datetime="2023-02-13">13 February 2023</time></p></article></li></ul></section></article></main>`, lang, emp, emp, para()[:200])
	fmt.Fprintf(&b, `<footer class="site-footer"><div class="wrap footer-inner"><p class="footer-consent">%s<span>Published with the consent of the people in these stories. A story whose consent is withdrawn is removed at once.</span></p><p class="footer-meta"><span>&copy; %s</span> <a href="/%s/feed.xml">Feed</a></p></div></footer></body></html>`, siteIcon, site, lang)
	return b.Bytes()
}

// siteListing returns a listing page of about size bytes: cards of talents.
func siteListing(r *rand.Rand, lang string, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<!doctype html><html lang="` + lang + `"><head><meta charset="utf-8"><title>Talents</title></head><body><main><ul class="cards">`)
	for id := 0; b.Len() < size; id++ {
		role := siteRoles[r.IntN(len(siteRoles))]
		summary := siteSentence(r, 20) + " " + siteSentence(r, 10)
		if lang == "ja" {
			summary = siteJaSentence(r, 8)
		}
		fmt.Fprintf(&b, `<li><article class="card card-talent"><h3 class="card-title"><a href="/%s/talents/talent-%05d/">%s %d</a></h3><p class="card-who"><span class="card-who-text"><span class="card-name">Person %05d Fullname</span>`+"\n"+`<span class="card-role">%s</span></span></p><p class="card-summary">%s…</p><p class="card-date"><time datetime="2023-12-07">7 December 2023</time></p></article></li>`,
			lang, id%4000, role, id%4000, id%4000, role, summary)
	}
	b.WriteString(`</ul></main></body></html>`)
	return b.Bytes()
}

// siteSearch returns a search index like kakehashi's, of about size bytes.
func siteSearch(r *rand.Rand, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"v":1,"docs":[`)
	for id := 0; b.Len() < size; id++ {
		if id > 0 {
			b.WriteByte(',')
		}
		role := siteRoles[r.IntN(len(siteRoles))]
		text := siteSentence(r, 30)
		if id%2 == 1 {
			text = siteJaSentence(r, 6)
		}
		fmt.Fprintf(&b, `["/en/talents/talent-%05d/","%s %d","%s","Person %05d Fullname \u003c%s\u003e"]`, id%4000, role, id%4000, text, id%4000, html.EscapeString("a&b"))
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// siteSitemap returns a sitemap of about size bytes.
func siteSitemap(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">`)
	for id := 0; b.Len() < size; id++ {
		fmt.Fprintf(&b, `<url><loc>https://example.org/en/talents/talent-%05d/</loc><lastmod>2023-01-08</lastmod><xhtml:link rel="alternate" hreflang="ja" href="https://example.org/ja/talents/talent-%05d/"/><xhtml:link rel="alternate" hreflang="en" href="https://example.org/en/talents/talent-%05d/"/></url>`, id%4000, id%4000, id%4000)
	}
	b.WriteString(`</urlset>`)
	return b.Bytes()
}

// sitePages returns n talent pages, half English and half Japanese; one in
// leakEvery has a needle in it.
func sitePages(n int, ns []Needle, leakEvery int) [][]byte {
	r := rand.New(rand.NewPCG(5, 6))
	pages := make([][]byte, n)
	for i := range pages {
		lang := "en"
		if i%2 == 1 {
			lang = "ja"
		}
		p := sitePage(r, lang, r.IntN(4000))
		if leakEvery > 0 && i%leakEvery == leakEvery-1 {
			nd := ns[r.IntN(len(ns))]
			k := bytes.Index(p, []byte("</p>"))
			p = append(p[:k:k], append([]byte(" "+html.EscapeString(nd.Text)), p[k:]...)...)
		}
		pages[i] = p
	}
	return pages
}

const siteNeedleCount = 5000

func benchPages(b *testing.B, pages [][]byte, s *Scanner, find bool) {
	total := 0
	for _, p := range pages {
		total += len(p)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	start := cputime.Process()
	for b.Loop() {
		for _, p := range pages {
			if find {
				s.Find(p)
			} else {
				s.First(p)
			}
		}
	}
	reportCPU(b, start, total)
}

// BenchmarkFirstHTML scans 400 talent pages (about 3.7 MB) with the
// scanner for built HTML, as the publisher does.
func BenchmarkFirstHTML(b *testing.B) {
	ns := siteNeedles(siteNeedleCount, 1)
	benchPages(b, sitePages(400, ns, 40), New(ns, WithHTML(), WithEscapes()), false)
}

// BenchmarkFindHTML is BenchmarkFirstHTML with Find.
func BenchmarkFindHTML(b *testing.B) {
	ns := siteNeedles(siteNeedleCount, 1)
	benchPages(b, sitePages(400, ns, 40), New(ns, WithHTML(), WithEscapes()), true)
}

// BenchmarkFirstListing scans two listing pages of 2.5 MB.
func BenchmarkFirstListing(b *testing.B) {
	ns := siteNeedles(siteNeedleCount, 1)
	r := rand.New(rand.NewPCG(7, 8))
	benchPages(b, [][]byte{siteListing(r, "en", 2500<<10), siteListing(r, "ja", 2500<<10)}, New(ns, WithHTML(), WithEscapes()), false)
}

// BenchmarkFirstJSON scans a search index of 2 MB with the plain scanner.
func BenchmarkFirstJSON(b *testing.B) {
	ns := siteNeedles(siteNeedleCount, 1)
	r := rand.New(rand.NewPCG(9, 10))
	benchPages(b, [][]byte{siteSearch(r, 2<<20)}, New(ns, WithEscapes()), false)
}

// BenchmarkFirstXML scans a sitemap of 2 MB.
func BenchmarkFirstXML(b *testing.B) {
	ns := siteNeedles(siteNeedleCount, 1)
	benchPages(b, [][]byte{siteSitemap(2 << 20)}, New(ns, WithHTML(), WithEscapes()), false)
}

// BenchmarkFirstOutDir scans the built site in $LEAKSCAN_BENCH_DIR (up to
// 64 MB of it), each file with the scanner the publisher would use.
func BenchmarkFirstOutDir(b *testing.B) {
	dir := os.Getenv("LEAKSCAN_BENCH_DIR")
	if dir == "" {
		b.Skip("LEAKSCAN_BENCH_DIR is not set")
	}
	var markup, plain [][]byte
	total := 0
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || total > 64<<20 {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		total += len(data)
		switch filepath.Ext(path) {
		case ".html", ".xml", ".svg":
			markup = append(markup, data)
		default:
			plain = append(plain, data)
		}
		return nil
	})
	ns := siteNeedles(siteNeedleCount, 1)
	hs, ps := New(ns, WithHTML(), WithEscapes()), New(ns, WithEscapes())
	b.SetBytes(int64(total))
	b.ReportAllocs()
	start := cputime.Process()
	for b.Loop() {
		for _, p := range markup {
			hs.First(p)
		}
		for _, p := range plain {
			ps.First(p)
		}
	}
	reportCPU(b, start, total)
}

// BenchmarkNewSite builds the scanner for the site's needles.
func BenchmarkNewSite(b *testing.B) {
	ns := siteNeedles(siteNeedleCount, 1)
	b.ReportAllocs()
	start := cputime.Process()
	for b.Loop() {
		New(ns, WithHTML(), WithEscapes())
	}
	reportCPU(b, start, 0)
}

// BenchmarkSetScanners takes the publisher's two scanners from a compiled
// Set: the cost of a mode once the needles are compiled.
func BenchmarkSetScanners(b *testing.B) {
	set := Compile(siteNeedles(siteNeedleCount, 1))
	b.ReportAllocs()
	for b.Loop() {
		set.Scanner(WithEscapes())
		set.Scanner(WithHTML(), WithEscapes())
	}
}
