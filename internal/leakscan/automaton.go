package leakscan

import "slices"

// The Aho–Corasick automaton over normalised needle keys.
//
// States are numbered breadth first, so shallow states come first. The
// shallow ones (where almost all of the time is spent) have dense rows of a
// full DFA: one load per byte. Deeper states, mostly single chains of one
// long needle, keep only their children and fall back along failure links;
// this keeps memory proportional to the needles even for thousands of
// sentences. Bytes are mapped to classes first, so that a row has one
// column per distinct byte of the needles rather than 256.

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

// denseBudget bounds the dense table (in cells of 4 bytes: 2 MiB). Measured
// on 2,000 needles, a larger table was no faster.
const denseBudget = 1 << 19

type automaton struct {
	class  [256]uint32 // byte → column; 0 for bytes in no key
	stride uint32      // columns per row
	nDense uint32      // states [0, nDense) have dense rows
	trans  []uint32    // dense rows; encoded target states

	kidStart []uint32 // children of state s: kidClass/kidState[kidStart[s]:kidStart[s+1]]
	kidClass []uint32
	kidState []uint32 // encoded target states (ids while building)
	fail     []uint32 // encoded failure states, without outFlag (ids while building)

	out  []int32 // key ending in this state, or none
	dict []int32 // nearest state on the failure chain where a key ends, or none
}

type trieEdge struct {
	class uint32
	to    int32
}

func buildAutomaton(keys [][]byte) automaton {
	var a automaton
	var used [256]bool
	for _, k := range keys {
		for _, c := range k {
			used[c] = true
		}
	}
	a.stride = 1
	for c := range used {
		if used[c] {
			a.class[c] = a.stride
			a.stride++
		}
	}

	// Trie with sorted edges.
	kids := [][]trieEdge{nil}
	outs := []int32{none}
	for ki, k := range keys {
		s := int32(0)
		for _, c := range k {
			cl := a.class[c]
			e := kids[s]
			i, found := slices.BinarySearchFunc(e, cl, func(e trieEdge, c uint32) int { return int(e.class) - int(c) })
			if found {
				s = e[i].to
				continue
			}
			t := int32(len(kids))
			kids = append(kids, nil)
			outs = append(outs, none)
			kids[s] = slices.Insert(e, i, trieEdge{cl, t})
			s = t
		}
		outs[s] = int32(ki)
	}

	// Breadth-first renumbering.
	n := len(kids)
	order := make([]int32, 0, n)
	depth := make([]int32, n)
	order = append(order, 0)
	for q := 0; q < len(order); q++ {
		for _, e := range kids[order[q]] {
			depth[e.to] = depth[order[q]] + 1
			order = append(order, e.to)
		}
	}
	newID := make([]int32, n)
	for i, old := range order {
		newID[old] = int32(i)
	}
	a.kidStart = make([]uint32, n+1)
	a.out = make([]int32, n)
	for i, old := range order {
		a.out[i] = outs[old]
		a.kidStart[i+1] = a.kidStart[i] + uint32(len(kids[old]))
	}
	a.kidClass = make([]uint32, a.kidStart[n])
	a.kidState = make([]uint32, a.kidStart[n])
	for i, old := range order {
		for j, e := range kids[old] {
			a.kidClass[a.kidStart[i]+uint32(j)] = e.class
			a.kidState[a.kidStart[i]+uint32(j)] = uint32(newID[e.to])
		}
	}

	// Failure and dictionary links, in breadth-first order.
	a.fail = make([]uint32, n)
	a.dict = make([]int32, n)
	a.dict[0] = none
	for s := 0; s < n; s++ {
		for k := a.kidStart[s]; k < a.kidStart[s+1]; k++ {
			t, c := a.kidState[k], a.kidClass[k]
			f := uint32(0)
			if s != 0 {
				f = a.fail[s]
				for {
					if g, ok := a.child(f, c); ok {
						f = g
						break
					}
					if f == 0 {
						break
					}
					f = a.fail[f]
				}
			}
			a.fail[t] = f
			if a.out[f] != none {
				a.dict[t] = int32(f)
			} else {
				a.dict[t] = a.dict[f]
			}
		}
	}

	// Dense rows for the shallowest states that fit the budget (at least
	// the root). States are in breadth-first order, so they are a prefix.
	perDepth := map[int32]int{}
	for _, d := range depth {
		perDepth[d]++
	}
	a.nDense = 1
	for d, cnt := int32(1), 1; perDepth[d] > 0; d++ {
		cnt += perDepth[d]
		if cnt*int(a.stride) > denseBudget {
			break
		}
		a.nDense = uint32(cnt)
	}
	a.trans = make([]uint32, int(a.nDense)*int(a.stride))
	for s := uint32(0); s < a.nDense; s++ {
		// A missing child goes where the failure state goes; the failure
		// state is shallower, so its row is done.
		row := a.trans[s*a.stride : (s+1)*a.stride]
		if s != 0 {
			copy(row, a.trans[a.fail[s]*a.stride:])
		}
		for k := a.kidStart[s]; k < a.kidStart[s+1]; k++ {
			row[a.kidClass[k]] = a.kidState[k]
		}
	}

	// Encode the targets for matching.
	hasOut := func(t uint32) bool { return a.out[t] != none || a.dict[t] != none }
	enc := func(id uint32) uint32 {
		e := sparseBit | id
		if id < a.nDense {
			e = id * a.stride
		}
		if hasOut(id) {
			e |= outFlag
		}
		return e
	}
	for i, t := range a.trans {
		a.trans[i] = enc(t)
	}
	for i, t := range a.kidState {
		a.kidState[i] = enc(t)
	}
	for i, f := range a.fail {
		a.fail[i] = enc(f) &^ outFlag
	}
	return a
}

// id returns the state id of an encoded state (without outFlag).
func (a *automaton) id(e uint32) uint32 {
	if e&sparseBit != 0 {
		return e & idMask
	}
	return e / a.stride
}

// stepSparse returns the encoded transition from sparse state id on class c.
func (a *automaton) stepSparse(id, c uint32) uint32 {
	for {
		for k := a.kidStart[id]; k < a.kidStart[id+1]; k++ {
			if a.kidClass[k] == c {
				return a.kidState[k]
			}
		}
		f := a.fail[id]
		if f&sparseBit == 0 {
			return a.trans[f+c]
		}
		id = f & idMask
	}
}

// child returns the child of s on class c (unflagged).
func (a *automaton) child(s, c uint32) (uint32, bool) {
	for k := a.kidStart[s]; k < a.kidStart[s+1]; k++ {
		if a.kidClass[k] == c {
			return a.kidState[k] &^ outFlag, true
		}
	}
	return 0, false
}
