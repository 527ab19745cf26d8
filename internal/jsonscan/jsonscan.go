// Package jsonscan reads the shape of JSON text without decoding it or
// allocating: the member names and raw values of an object, the elements
// of an array. The decoders of mistral and mcpclient use it to take a
// one-pass path for the messages they see most, and fall back to
// encoding/json for anything else.
//
// The scan is lenient: it finds where values end but does not validate
// them. Callers either hand it text encoding/json has already checked, or
// decode the values it returns with a validating decoder.
package jsonscan

import "unicode/utf8"

// Members calls f with the name and raw value of each member of the
// object data, in order, and reports whether data is an object it could
// read: false for anything else, a name with an escape or a byte that is
// not ASCII, or f returning false.
func Members(data []byte, f func(name, value []byte) bool) bool {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return false
		}
		j := i + 1
		for j < len(data) && data[j] != '"' {
			if data[j] == '\\' || data[j] < 0x20 || data[j] >= 0x80 {
				return false // escaped or not ASCII: the general path
			}
			j++
		}
		if j >= len(data) {
			return false
		}
		name := data[i+1 : j]
		i = skipSpace(data, j+1)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		end, ok := skipValue(data, i)
		if !ok || !f(name, data[i:end]) {
			return false
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case '}':
			return skipSpace(data, i+1) == len(data)
		case ',':
			i = skipSpace(data, i+1)
		default:
			return false
		}
	}
}

// SplitArray appends the start and end of each element of the array data
// to bounds, or reports false if data is not an array it could read.
func SplitArray(data []byte, bounds []int) ([]int, bool) {
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

// PlainString returns the text of a JSON string that has no escapes and
// is valid UTF-8 (encoding/json would change invalid bytes).
func PlainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	ascii := true
	for _, c := range body {
		if c == '\\' || c < 0x20 {
			return "", false
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	if !ascii && !utf8.Valid(body) {
		return "", false
	}
	return string(body), true
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
