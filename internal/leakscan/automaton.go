package leakscan

import (
	"bytes"
	"math/bits"
	"slices"
)

// The Aho–Corasick automaton over normalised needle keys.
//
// The shallow states (all states up to some depth, where most of the time
// is spent) have dense rows of a full DFA: one load per byte. Bytes are
// mapped to classes first, so that a row has one column per distinct byte
// of the needles rather than 256.
//
// Deeper states, mostly single chains of one long needle, keep only their
// children and fall back along failure links; this keeps memory
// proportional to the needles even for thousands of sentences. They are
// numbered in depth-first order, so that the only child of a state is the
// state after it, and each is one 8-byte record (failure link, and the
// label of its only child or where its children are): walking along a
// needle reads consecutive memory, and a step that fails reads one record.

// States are encoded for the matching loop: a dense state as the offset of
// its row in trans (so the next state is one add and one load away), a
// sparse state as sparseBit|id; outFlag marks a transition into a state
// where some key ends.
const (
	outFlag   uint32 = 1 << 31
	sparseBit uint32 = 1 << 30
	idMask    uint32 = sparseBit - 1
)

// none is "no state" / "no key".
const none int32 = -1

// denseBudget bounds the dense table (in cells of 4 bytes: 128 KiB, so
// that it stays in the cache with the hot sparse records). Measured on
// 5,000 needles, larger tables were slower: the shallow levels are all
// dense anyway, and deeper ones are walked quickly along their chains.
const denseBudget = 1 << 15

// A sparse state's record: the low 32 bits are its encoded failure state;
// the high 32 bits describe its children. With recMulti they are at
// edges[hi&recIndex:] (see kid). Without it the state has at most one
// child (if recChild), the state after it, reached on byte hi&0xff, with
// outFlag when recChildOut.
const (
	recMulti    uint32 = 1 << 31
	recChild    uint32 = 1 << 30
	recChildOut uint32 = 1 << 29
	recIndex    uint32 = recChildOut - 1
)

type automaton struct {
	class  [256]uint32 // byte → column; 0 for bytes in no key
	stride uint32      // columns per row
	nDense uint32      // states [0, nDense) have dense rows
	trans  []uint32    // dense rows; encoded target states

	nodes []uint64 // records of the sparse states, by id (the first nDense are unused)
	edges []uint64 // children of sparse states with more than one

	out  []int32 // key ending in this state, or none
	dict []int32 // nearest state on the failure chain where a key ends, or none
}

func buildAutomaton(keys [][]byte) automaton { return buildAutomatonBudget(keys, denseBudget) }

// buildAutomatonBudget builds the automaton with at most budget cells of
// dense rows (but at least the root's).
func buildAutomatonBudget(keys [][]byte, budget int) automaton {
	var a automaton
	used := keyBytes(keys)
	total := 0
	for _, k := range keys {
		total += len(k)
	}
	a.stride = 1
	for c := range used {
		if used[c] {
			a.class[c] = a.stride
			a.stride++
		}
	}

	// The trie, built from the sorted keys in depth-first order: a key
	// adds a node for each byte after its common prefix with the key
	// before it. Children come in byte order.
	order := make([]int32, len(keys))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return bytes.Compare(keys[x], keys[y]) })
	parent := make([]int32, 1, total+1)
	label := make([]byte, 1, total+1)
	depth := make([]int32, 1, total+1)
	outs := make([]int32, 1, total+1)
	parent[0], outs[0] = none, none
	path := []int32{0} // path[d]: the node at depth d of the key before
	var prev []byte
	for _, ki := range order {
		k := keys[ki]
		if len(k) == 0 {
			continue // not in the automaton (a long key)
		}
		l := 0
		for l < len(k) && l < len(prev) && k[l] == prev[l] {
			l++
		}
		path = path[:l+1]
		for d := l; d < len(k); d++ {
			n := int32(len(parent))
			parent = append(parent, path[d])
			label = append(label, k[d])
			depth = append(depth, int32(d+1))
			outs = append(outs, none)
			path = append(path, n)
		}
		outs[path[len(k)]] = ki
		prev = k
	}
	n := len(parent)

	// Dense rows for all states up to the deepest level that fits the
	// budget (at least the root).
	var perDepth []int
	for _, d := range depth {
		for int(d) >= len(perDepth) {
			perDepth = append(perDepth, 0)
		}
		perDepth[d]++
	}
	maxDense := int32(0)
	cnt := 1
	for d := 1; d < len(perDepth); d++ {
		cnt += perDepth[d]
		if cnt*int(a.stride) > budget {
			break
		}
		maxDense = int32(d)
	}

	// Numbering: dense states level by level, then the others in
	// depth-first order.
	newID := make([]int32, n)
	levelStart := make([]int, maxDense+2)
	for d := int32(0); d <= maxDense; d++ {
		levelStart[d+1] = levelStart[d] + perDepth[d]
	}
	a.nDense = uint32(levelStart[maxDense+1])
	next := a.nDense
	for v := 0; v < n; v++ {
		if d := depth[v]; d <= maxDense {
			newID[v] = int32(levelStart[d])
			levelStart[d]++
		} else {
			newID[v] = int32(next)
			next++
		}
	}

	// Children in CSR form, in byte order (the depth-first order visits
	// them so).
	kidStart := make([]int32, n+1)
	for v := 1; v < n; v++ {
		kidStart[newID[parent[v]]+1]++
	}
	for i := 1; i <= n; i++ {
		kidStart[i] += kidStart[i-1]
	}
	kidLabel := make([]byte, n)
	kidState := make([]int32, n)
	fill := slices.Clone(kidStart[:n])
	par := make([]int32, n) // parents, by new id
	lab := make([]byte, n)  // labels, by new id
	depthN := make([]int32, n)
	a.out = make([]int32, n)
	for v := 0; v < n; v++ {
		id := newID[v]
		a.out[id] = outs[v]
		lab[id] = label[v]
		depthN[id] = depth[v]
		if v == 0 {
			par[id] = none
			continue
		}
		p := newID[parent[v]]
		par[id] = p
		kidLabel[fill[p]] = label[v]
		kidState[fill[p]] = id
		fill[p]++
	}
	child := func(s int32, c byte) int32 {
		lo, hi := kidStart[s], kidStart[s+1]
		for hi-lo > 8 {
			m := int32(uint32(lo+hi) >> 1)
			if kidLabel[m] < c {
				lo = m + 1
			} else {
				hi = m + 1
			}
		}
		for k := lo; k < hi; k++ {
			if kidLabel[k] == c {
				return kidState[k]
			}
		}
		return none
	}

	// Failure links and dense rows, level by level. A dense row is its
	// failure state's row (shallower, so done) with its own children
	// over it.
	fail := make([]int32, n)
	a.dict = make([]int32, n)
	a.dict[0] = none
	a.trans = make([]uint32, int(a.nDense)*int(a.stride))
	stride := int32(a.stride)
	// delta is the full transition from a state whose failure chain is
	// done.
	delta := func(f int32, c byte) int32 {
		for {
			if f < int32(a.nDense) {
				return int32(a.trans[f*stride+int32(a.class[c])])
			}
			if g := child(f, c); g != none {
				return g
			}
			f = fail[f]
		}
	}
	setFail := func(t int32) {
		f := int32(0)
		if p := par[t]; p != 0 {
			f = delta(fail[p], lab[t])
		}
		fail[t] = f
		if a.out[f] != none {
			a.dict[t] = f
		} else {
			a.dict[t] = a.dict[f]
		}
	}
	for s := int32(0); s < int32(a.nDense); s++ {
		if s != 0 {
			setFail(s)
			copy(a.trans[s*stride:(s+1)*stride], a.trans[fail[s]*stride:])
		}
		row := a.trans[s*stride : (s+1)*stride]
		for k := kidStart[s]; k < kidStart[s+1]; k++ {
			row[a.class[kidLabel[k]]] = uint32(kidState[k])
		}
	}
	// The sparse states in order of depth (a counting sort).
	start := make([]int32, len(perDepth)+1)
	for s := int32(a.nDense); s < int32(n); s++ {
		start[depthN[s]+1]++
	}
	for d := 1; d < len(start); d++ {
		start[d] += start[d-1]
	}
	byDepth := make([]int32, n-int(a.nDense))
	for s := int32(a.nDense); s < int32(n); s++ {
		d := depthN[s]
		byDepth[start[d]] = s
		start[d]++
	}
	for _, s := range byDepth {
		setFail(s)
	}

	// Encode the targets for matching.
	enc := func(id int32) uint32 {
		e := sparseBit | uint32(id)
		if uint32(id) < a.nDense {
			e = uint32(id) * a.stride
		}
		if a.out[id] != none || a.dict[id] != none {
			e |= outFlag
		}
		return e
	}
	for i, t := range a.trans {
		a.trans[i] = enc(int32(t))
	}
	a.nodes = make([]uint64, n)
	for s := int32(a.nDense); s < int32(n); s++ {
		hi := uint32(0)
		switch ks, ke := kidStart[s], kidStart[s+1]; {
		case ke-ks == 1 && kidState[ks] == s+1:
			hi = recChild | uint32(kidLabel[ks])
			if enc(s+1)&outFlag != 0 {
				hi |= recChildOut
			}
		case ke > ks:
			hi = recMulti | uint32(len(a.edges))
			var set [4]uint64
			for k := ks; k < ke; k++ {
				c := kidLabel[k]
				set[c>>6] |= 1 << (c & 63)
			}
			var before uint64
			for w, cnt := 0, 0; w < 4; w++ {
				before |= uint64(cnt) << (8 * w)
				cnt += bits.OnesCount64(set[w])
			}
			a.edges = append(a.edges, set[0], set[1], set[2], set[3], before)
			for k := ks; k < ke; k++ {
				a.edges = append(a.edges, uint64(enc(kidState[k])))
			}
		}
		a.nodes[s] = uint64(hi)<<32 | uint64(enc(fail[s])&^outFlag)
	}
	return a
}

// advance runs the automaton over buf from p in the encoded state s (without
// outFlag) up to the first transition into a state where a key ends. It
// returns the position of the byte that made it and the transition (with
// outFlag), or len(buf) and the state at the end.
func (a *automaton) advance(buf []byte, p int, s uint32) (int, uint32) {
	trans, class := a.trans, &a.class
	for p < len(buf) {
		if s&sparseBit == 0 {
			// The hot loop: dense states.
			for {
				t := trans[s+class[buf[p]]]
				if t >= sparseBit {
					if t&outFlag != 0 {
						return p, t
					}
					s = t
					p++
					break
				}
				s = t
				if p++; p == len(buf) {
					return p, s
				}
			}
			continue
		}
		// Deep in a long needle: walk along it while the text follows it
		// (the only child of a state is the next state)...
		var id uint32
		p, id = a.walk(buf, p, s&idMask)
		if p == len(buf) {
			return p, sparseBit | id
		}
		// ...then take the step that leaves it: to a child where a key
		// ends, to a child of a state with several, or along the failure
		// link.
		c := buf[p]
		rec := a.nodes[id]
		var t uint32
		switch hi := uint32(rec >> 32); {
		case hi&recMulti != 0:
			if k, ok := a.kid(hi&recIndex, c); ok {
				t = k
			} else if f := uint32(rec); f&sparseBit == 0 {
				t = trans[f+class[c]]
			} else {
				t = a.stepSparse(f, c)
			}
		case hi&recChild != 0 && byte(hi) == c:
			t = sparseBit | (id + 1) | (hi&recChildOut)<<2
		case uint32(rec)&sparseBit == 0:
			t = trans[uint32(rec)+class[c]]
		default:
			t = a.stepSparse(uint32(rec), c)
		}
		if t&outFlag != 0 {
			return p, t
		}
		s = t
		p++
	}
	return p, s
}

// walk follows the chain of single children from the sparse state id
// while buf from p spells it. It returns where the text leaves the chain
// (or len(buf)) and the state there.
func (a *automaton) walk(buf []byte, p int, id uint32) (int, uint32) {
	const mask = recMulti | recChild | recChildOut | 0xff
	nodes := a.nodes
	for ; p < len(buf); p++ {
		// The state has one child, on buf[p], where no key ends.
		if uint32(nodes[id]>>32)&mask != recChild|uint32(buf[p]) {
			break
		}
		id++
	}
	return p, id
}

// kid returns the encoded child on byte c of the sparse state whose
// children are at edges[i:]: a bit set of their labels (four words), the
// number of children in the words before each (a byte each), and the
// children in the order of their labels.
func (a *automaton) kid(i uint32, c byte) (uint32, bool) {
	e := a.edges[i : i+5]
	w := e[c>>6&3]
	bit := uint64(1) << (c & 63)
	if w&bit == 0 {
		return 0, false
	}
	k := uint32(uint8(e[4]>>(8*(c>>6)))) + uint32(bits.OnesCount64(w&(bit-1)))
	return uint32(a.edges[i+5+k]), true
}

// id returns the state id of an encoded state (without outFlag).
func (a *automaton) id(e uint32) uint32 {
	if e&sparseBit != 0 {
		return e & idMask
	}
	return e / a.stride
}

// stepSparse returns the encoded transition from the encoded sparse state
// e on byte c.
func (a *automaton) stepSparse(e uint32, c byte) uint32 {
	for {
		id := e & idMask
		rec := a.nodes[id]
		hi := uint32(rec >> 32)
		if hi&recMulti == 0 {
			if hi&recChild != 0 && byte(hi) == c {
				return sparseBit | (id + 1) | (hi&recChildOut)<<2
			}
		} else if t, ok := a.kid(hi&recIndex, c); ok {
			return t
		}
		e = uint32(rec)
		if e&sparseBit == 0 {
			return a.trans[e+a.class[c]]
		}
	}
}
