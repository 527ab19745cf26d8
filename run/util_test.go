package run_test

import (
	"encoding/json"
	"strconv"
)

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func itoa(i int) string { return strconv.Itoa(i) }
