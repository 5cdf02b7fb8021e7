package markdown

import (
	"net/url"
	"path"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkGuard rewrites links after parsing: a link to a skipped item becomes its
// plain text (an image or an autolink, whose text is the address itself,
// disappears), and site-root links get the base URL's path so that a site
// deployed in a subfolder keeps working.
type linkGuard struct{}

func (linkGuard) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	p, _ := pc.Get(pageKey).(*Page)
	if p == nil {
		return
	}
	var dropped []string
	var drop []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest *[]byte
		switch n := n.(type) {
		case *ast.Link:
			dest = &n.Destination
		case *ast.Image:
			dest = &n.Destination
		case *ast.AutoLink:
			if file, ok := p.unpublished(string(n.URL(reader.Source()))); ok {
				dropped = append(dropped, file)
				drop = append(drop, n)
			}
			return ast.WalkSkipChildren, nil
		default:
			return ast.WalkContinue, nil
		}
		// Judge the address the renderer will write, with entities and
		// backslash escapes resolved: "g&#111;ne" is "gone" to a browser.
		resolved := util.URLEscape(*dest, true)
		if isData(resolved) {
			// An embedded picture would be published with its metadata and
			// without photo consent: drop it and fail the conversion.
			pc.Set(embeddedKey, true)
			drop = append(drop, n)
			return ast.WalkSkipChildren, nil
		}
		if file, ok := p.unpublished(string(resolved)); ok {
			dropped = append(dropped, file)
			drop = append(drop, n)
			return ast.WalkSkipChildren, nil
		}
		*dest = []byte(p.rebase(string(*dest)))
		return ast.WalkContinue, nil
	})
	for _, n := range drop {
		parent := n.Parent()
		if _, isLink := n.(*ast.Link); isLink {
			// Keep the words, lose the address.
			for c := n.FirstChild(); c != nil; {
				next := c.NextSibling()
				parent.InsertBefore(parent, n, c)
				c = next
			}
		}
		parent.RemoveChild(parent, n)
	}
	if len(dropped) > 0 {
		pc.Set(droppedKey, dropped)
	}
}

// sitePath turns a link destination into a site path ("en/talents/x/"), or
// reports false for links that leave the site.
func (p *Page) sitePath(dest string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(dest))
	if err != nil {
		// An address that does not parse cannot be judged: treat it as pointing
		// into the site so that the guard errs on the side of dropping it.
		return strings.TrimPrefix(dest, "/"), true
	}
	base, _ := url.Parse(p.BaseURL)
	switch {
	case u.Scheme != "" || u.Host != "":
		for _, b := range append([]string{p.BaseURL}, p.Aliases...) {
			if bu, err := url.Parse(b); err == nil && bu.Host != "" && strings.EqualFold(u.Host, bu.Host) {
				return trimBase(u.Path, bu), true
			}
		}
		return "", false
	case strings.HasPrefix(u.Path, "/"):
		return trimBase(u.Path, base), true
	case u.Path == "":
		return "", false // a fragment on this page
	default:
		joined := path.Join("/"+p.Path, u.Path)
		if strings.HasSuffix(u.Path, "/") {
			joined += "/"
		}
		return strings.TrimPrefix(joined, "/"), true
	}
}

func trimBase(p string, base *url.URL) string {
	if base != nil && base.Path != "" && base.Path != "/" && strings.HasPrefix(p, base.Path) {
		p = "/" + strings.TrimPrefix(p, base.Path)
	}
	return strings.TrimPrefix(path.Clean(p), "/") + map[bool]string{true: "/"}[strings.HasSuffix(p, "/")]
}

func (p *Page) unpublished(dest string) (string, bool) {
	if p.Links == nil {
		return "", false
	}
	sp, internal := p.sitePath(dest)
	if !internal {
		return "", false
	}
	return p.Links.Unpublished(sp)
}

// rebase prefixes site-root links with the base URL's path.
func (p *Page) rebase(dest string) string {
	if !strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "//") {
		return dest
	}
	base, err := url.Parse(p.BaseURL)
	if err != nil || base.Path == "" || base.Path == "/" || strings.HasPrefix(dest, base.Path) {
		return dest
	}
	return strings.TrimSuffix(base.Path, "/") + dest
}

// isData reports a data: address, as a browser reads it.
func isData(dest []byte) bool {
	d := strings.ToLower(strings.TrimLeft(string(dest), "\x00\t\n\f\r "))
	return strings.HasPrefix(d, "data:")
}
