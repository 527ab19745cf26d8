package mistral

import "github.com/mcprun/mcprun/internal/jsonscan"

// An entry's member names, scanned without decoding or allocating
// (internal/jsonscan): UnmarshalEntry decodes an entry whose members all
// have a field in one json.Unmarshal, and anything unusual takes the
// general path.

// maxScanned bounds the members of an object read this way.
const maxScanned = 24

// scanned is an object's members as scanMembers found them.
type scanned struct {
	n      int
	names  [maxScanned][]byte
	values [maxScanned][]byte // raw
}

// value returns the raw value of the member name (the last one of that
// name), or nil.
func (s *scanned) value(name string) []byte {
	for i := s.n - 1; i >= 0; i-- {
		if string(s.names[i]) == name {
			return s.values[i]
		}
	}
	return nil
}

// scanMembers reads the names and raw values of data's members, or reports
// false if data is not an object it can read (see jsonscan.Members) or has
// more than maxScanned members.
func scanMembers(data []byte, s *scanned) bool {
	s.n = 0
	return jsonscan.Members(data, func(name, value []byte) bool {
		if s.n == maxScanned {
			return false
		}
		s.names[s.n], s.values[s.n] = name, value
		s.n++
		return true
	})
}

// splitArray: see jsonscan.SplitArray.
func splitArray(data []byte, bounds []int) ([]int, bool) { return jsonscan.SplitArray(data, bounds) }

// plainString: see jsonscan.PlainString.
func plainString(raw []byte) (string, bool) { return jsonscan.PlainString(raw) }
