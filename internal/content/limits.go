package content

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Limits on front matter. A real front matter block is a few dozen lines; these
// bounds are far above that and far below what would make a build slow or
// large. Each is checked before the decoded values are built, so a hostile file
// costs no more than its own size to refuse.
const (
	// MaxFrontMatterSize bounds the front matter block, delimiters excluded.
	// (The YAML and TOML decoders slow down sharply on many keys in one block:
	// 50,000 keys took 20 s and, with duplicates, 4 GB.)
	MaxFrontMatterSize = 64 << 10
	// MaxFrontMatterDepth bounds nesting (consent: is depth 2).
	MaxFrontMatterDepth = 32
	// MaxFrontMatterValues bounds the number of values once YAML aliases are
	// expanded: a "billion laughs" block of a few lines is refused here.
	MaxFrontMatterValues = 10000
	// MaxFrontMatterKeys bounds the keys of one block of keys.
	MaxFrontMatterKeys = 256
)

// decodeYAML decodes a YAML front matter block: the common plain shape with
// fastYAML, anything else with yaml.v3 after checking it against the limits on
// its node tree: aliases are counted as the values they expand to,
// and duplicate keys are found with a map (yaml.v3 compares every pair).
func decodeYAML(data []byte, v any) error {
	if len(data) > MaxFrontMatterSize {
		return frontTooLarge(len(data))
	}
	if m, ok := v.(*map[string]any); ok && *m == nil {
		if front, ok := fastYAML(data); ok {
			*m = front
			return nil
		}
	}
	return decodeYAMLNodes(data, v)
}

// decodeYAMLNodes decodes with yaml.v3, through its node tree.
func decodeYAMLNodes(data []byte, v any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	if doc.Kind == 0 {
		return nil // empty front matter
	}
	c := yamlCounter{sizes: map[*yaml.Node]int{}}
	if _, err := c.count(&doc, 0); err != nil {
		return err
	}
	return doc.Decode(v)
}

type yamlCounter struct {
	// sizes memoises the expanded size of anchored nodes; -1 marks one being counted.
	sizes map[*yaml.Node]int
	total int
}

// count returns the number of values n expands to, and an error when a limit is passed.
func (c *yamlCounter) count(n *yaml.Node, depth int) (int, error) {
	if depth > MaxFrontMatterDepth {
		return 0, limitErrorf(n.Line, "front matter is nested more than %d levels deep", MaxFrontMatterDepth)
	}
	if n.Kind == yaml.AliasNode {
		target := n.Alias
		if target == nil {
			return 1, nil
		}
		size, seen := c.sizes[target]
		if !seen {
			// An alias to an anchor defined further out: count it on its own.
			var err error
			if size, err = c.subtree(target, depth); err != nil {
				return 0, err
			}
		}
		if size < 0 {
			return 0, limitErrorf(n.Line, "alias *%s refers to the block that contains it", n.Value)
		}
		if err := c.add(size, n); err != nil {
			return 0, err
		}
		return size, nil
	}
	if n.Anchor != "" {
		if _, seen := c.sizes[n]; !seen {
			return c.subtree(n, depth)
		}
	}
	return c.node(n, depth)
}

// subtree counts an anchored node once and remembers its size.
func (c *yamlCounter) subtree(n *yaml.Node, depth int) (int, error) {
	c.sizes[n] = -1
	size, err := c.node(n, depth)
	if err != nil {
		return 0, err
	}
	c.sizes[n] = size
	return size, nil
}

func (c *yamlCounter) node(n *yaml.Node, depth int) (int, error) {
	if err := c.add(1, n); err != nil {
		return 0, err
	}
	if n.Kind == yaml.MappingNode {
		if len(n.Content)/2 > MaxFrontMatterKeys {
			return 0, limitErrorf(n.Line, "a block of front matter holds more than %d keys", MaxFrontMatterKeys)
		}
		seen := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" {
				continue
			}
			if first, dup := seen[k.Value]; dup {
				e := limitErrorf(k.Line, "%q is set twice: keep one", k.Value).(*limitError)
				e.first = first
				return 0, e
			}
			seen[k.Value] = k.Line
		}
	}
	size := 1
	next := depth
	if n.Kind != yaml.DocumentNode {
		next++
	}
	for _, child := range n.Content {
		s, err := c.count(child, next)
		if err != nil {
			return 0, err
		}
		size += s
	}
	return size, nil
}

func (c *yamlCounter) add(size int, n *yaml.Node) error {
	c.total += size
	if size > MaxFrontMatterValues || c.total > MaxFrontMatterValues {
		return limitErrorf(n.Line, "front matter holds more than %d values (YAML aliases count as the values they repeat)", MaxFrontMatterValues)
	}
	return nil
}

// tomlDepth checks the nesting of arrays and inline tables in TOML text before
// it is decoded: the TOML decoder recurses once per level (4 million levels
// overflow the stack, which no recover can catch) and slows down sharply on
// nested inline tables (16,000 levels took two minutes and 29 GB). Strings and
// comments are skipped as TOML defines them.
func tomlDepth(data []byte) error {
	depth, line := 0, 1
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
		case '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			quote := c
			multi := i+2 < len(data) && data[i+1] == c && data[i+2] == c
			if multi {
				i += 2
			}
			for i++; i < len(data); i++ {
				switch data[i] {
				case '\\':
					if quote == '"' {
						i++ // the escaped byte cannot end the string
						if i < len(data) && data[i] == '\n' {
							line++
						}
					}
					continue
				case '\n':
					line++
					if !multi {
						return nil // a broken string: the decoder reports it
					}
					continue
				case quote:
				default:
					continue
				}
				if !multi {
					break
				}
				if i+2 < len(data) && data[i+1] == quote && data[i+2] == quote {
					// Up to two more quotes may belong to the string itself.
					i += 2
					for k := 0; k < 2 && i+1 < len(data) && data[i+1] == quote; k++ {
						i++
					}
					break
				}
			}
		case '[', '{':
			if depth++; depth > MaxFrontMatterDepth {
				return limitErrorf(line, "front matter is nested more than %d levels deep", MaxFrontMatterDepth)
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// checkTOML applies the depth and size limits to decoded TOML (which has no
// aliases: its size is bounded by MaxFrontMatterSize).
func checkTOML(v any) error {
	total := 0
	var walk func(v any, depth int) error
	walk = func(v any, depth int) error {
		total++
		if depth > MaxFrontMatterDepth {
			return limitErrorf(0, "front matter is nested more than %d levels deep", MaxFrontMatterDepth)
		}
		if total > MaxFrontMatterValues {
			return limitErrorf(0, "front matter holds more than %d values", MaxFrontMatterValues)
		}
		switch v := v.(type) {
		case map[string]any:
			if len(v) > MaxFrontMatterKeys {
				return limitErrorf(0, "a block of front matter holds more than %d keys", MaxFrontMatterKeys)
			}
			for _, e := range v {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
		case []any:
			for _, e := range v {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
		case []map[string]any:
			for _, e := range v {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
		case string, bool, int64, float64, time.Time, nil:
		}
		return nil
	}
	return walk(v, 0)
}

func frontTooLarge(n int) error {
	return limitErrorf(0, "front matter is %d KB; it is limited to %d KB: move long text into the story itself", (n+1023)>>10, MaxFrontMatterSize>>10)
}

// limitError is front matter that passes a limit. Line counts from the first
// line of the front matter (0: the block as a whole).
type limitError struct {
	line int
	msg  string
	// first is the line of an earlier occurrence (0: none); offset is added
	// to it to count from the start of the file.
	first, offset int
}

func (e *limitError) Error() string {
	if e.first > 0 {
		return fmt.Sprintf("%s (first set on line %d)", e.msg, e.offset+e.first)
	}
	return e.msg
}

func limitErrorf(line int, format string, args ...any) error {
	return &limitError{line: line, msg: fmt.Sprintf(format, args...)}
}
