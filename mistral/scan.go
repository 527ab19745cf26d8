package mistral

// A scan of a JSON object's member names, without decoding or allocating:
// it tells UnmarshalEntry whether an entry has only members its Go type
// has fields for, which it then decodes in one json.Unmarshal. The scan
// is lenient (it does not validate values): json.Unmarshal does, and
// anything unusual takes the general path.

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
// false if data is not an object it can read (a name with an escape, too
// many members, something malformed).
func scanMembers(data []byte, s *scanned) bool {
	n, ok := scanInto(data, &s.names, &s.values)
	s.n = n
	return ok
}

func scanInto(data []byte, names, values *[maxScanned][]byte) (n int, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return 0, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return 0, skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' || n == maxScanned {
			return 0, false
		}
		j := i + 1
		for j < len(data) && data[j] != '"' {
			if data[j] == '\\' || data[j] < 0x20 {
				return 0, false
			}
			j++
		}
		if j >= len(data) {
			return 0, false
		}
		name := data[i+1 : j]
		i = skipSpace(data, j+1)
		if i >= len(data) || data[i] != ':' {
			return 0, false
		}
		i = skipSpace(data, i+1)
		end, good := skipValue(data, i)
		if !good {
			return 0, false
		}
		names[n], values[n] = name, data[i:end]
		n++
		i = skipSpace(data, end)
		if i >= len(data) {
			return 0, false
		}
		switch data[i] {
		case '}':
			return n, skipSpace(data, i+1) == len(data)
		case ',':
			i = skipSpace(data, i+1)
		default:
			return 0, false
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at data[i].
func skipString(data []byte, i int) (int, bool) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// skipValue returns the index after the value starting at data[i].
func skipValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				k, ok := skipString(data, j)
				if !ok {
					return 0, false
				}
				j = k - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(data) {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j, j > i
		}
		j++
	}
	return j, j > i
}

// plainString returns the text of a JSON string without escapes.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' {
			return "", false
		}
	}
	return string(raw[1 : len(raw)-1]), true
}

// splitArray returns the bounds of the elements of the JSON array data
// (start and end of each, appended to bounds), or false if data is not an
// array it can read. The decoders that call it get data from
// encoding/json, which has checked that it is valid JSON.
func splitArray(data []byte, bounds []int) ([]int, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return bounds, skipSpace(data, i+1) == len(data)
	}
	for {
		end, ok := skipValue(data, i)
		if !ok {
			return nil, false
		}
		bounds = append(bounds, i, end)
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, false
		}
		if data[i] == ']' {
			return bounds, skipSpace(data, i+1) == len(data)
		}
		if data[i] != ',' {
			return nil, false
		}
		i = skipSpace(data, i+1)
	}
}
