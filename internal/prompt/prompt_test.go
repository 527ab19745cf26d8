package prompt

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestFromArgs(t *testing.T) {
	for _, tc := range []struct {
		words []string
		stdin string
		want  string
	}{
		{nil, "ignored", ""},
		{[]string{"weather", "in", "Paris?"}, "ignored", "weather in Paris?"},
		{[]string{"-"}, "  a long\nprompt \n", "a long\nprompt"},
		{[]string{"-", "x"}, "ignored", "- x"},
	} {
		got, err := FromArgs(tc.words, strings.NewReader(tc.stdin))
		if err != nil || got != tc.want {
			t.Errorf("FromArgs(%q) = %q, %v; want %q", tc.words, got, err, tc.want)
		}
	}
	long, err := FromArgs([]string{"-"}, strings.NewReader(strings.Repeat("a", MaxStdin+10)))
	if err != nil || len(long) != MaxStdin {
		t.Errorf("a prompt over MaxStdin: %d bytes, %v", len(long), err)
	}
	boom := errors.New("boom")
	if _, err := FromArgs([]string{"-"}, iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("a failed read: %v", err)
	}
}
