package mistral

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// hugeAnswer serves a conversation answer whose message is n bytes of
// text, written in chunks (no Content-Length unless withLength), so that
// the server holds none of it.
func hugeAnswer(n int, withLength bool) http.HandlerFunc {
	head := `{"object":"conversation.response","conversation_id":"conv_1","outputs":[{"object":"entry","type":"message.output","role":"assistant","id":"msg_1","content":"`
	tail := `"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`
	chunk := []byte(strings.Repeat("x", 64<<10))
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if withLength {
			w.Header().Set("Content-Length", strconv.Itoa(len(head)+n+len(tail)))
		}
		w.Write([]byte(head))
		for left := n; left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
				return
			}
		}
		w.Write([]byte(tail))
	}
}

// An answer over the bound is a clear error (ErrAnswerTooLarge), with or
// without a Content-Length; one under it decodes.
func TestAnswerBound(t *testing.T) {
	for _, withLength := range []bool{true, false} {
		hs := httptest.NewServer(hugeAnswer(1<<20, withLength))
		c, err := NewClient(WithAPIKey("k"), WithServerURL(hs.URL), WithMaxAnswerSize(512<<10))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.StartConversation(context.Background(), &ConversationRequest{Model: "m", Inputs: TextInputs("hi")})
		if !errors.Is(err, ErrAnswerTooLarge) || !strings.Contains(err.Error(), "larger than 524288 bytes") {
			t.Errorf("Content-Length %v: %v", withLength, err)
		}
		c2, _ := NewClient(WithAPIKey("k"), WithServerURL(hs.URL), WithMaxAnswerSize(2<<20))
		res, err := c2.StartConversation(context.Background(), &ConversationRequest{Model: "m", Inputs: TextInputs("hi")})
		if err != nil || len(res.Outputs) != 1 {
			t.Errorf("Content-Length %v, under the bound: %v", withLength, err)
		}
		hs.Close()
	}
	if _, err := NewClient(WithAPIKey("k"), WithMaxAnswerSize(0)); err == nil {
		t.Error("WithMaxAnswerSize(0) accepted")
	}
}

// BenchmarkHugeAnswer: a 300 MB non-streamed answer (chunked, as the API
// sends one) against the default bound is refused once 64 MiB are read;
// peak RSS (the process's, reset before) must stay under 200 MiB, where
// reading it whole took 2.4 GB. The "accepted" case raises the bound to
// show what reading and decoding the whole answer costs now.
func BenchmarkHugeAnswer(b *testing.B) {
	const size = 300_000_000
	hs := httptest.NewServer(hugeAnswer(size, false))
	defer hs.Close()
	for _, bc := range []struct {
		name  string
		bound int64
		limit float64
	}{{"default-bound", 0, 200}, {"accepted", 512 << 20, 0}} {
		b.Run(bc.name, func(b *testing.B) {
			opts := []Option{WithAPIKey("k"), WithServerURL(hs.URL)}
			if bc.bound > 0 {
				opts = append(opts, WithMaxAnswerSize(bc.bound))
			}
			c, err := NewClient(opts...)
			if err != nil {
				b.Fatal(err)
			}
			var peak float64
			for b.Loop() {
				runtime.GC()
				debug.FreeOSMemory()
				os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
				res, err := c.StartConversation(context.Background(), &ConversationRequest{Model: "m", Inputs: TextInputs("hi")})
				if bc.bound == 0 && !errors.Is(err, ErrAnswerTooLarge) {
					b.Fatalf("a 300 MB answer under the default bound: %v", err)
				}
				if bc.bound > 0 && (err != nil || len(res.Outputs) != 1) {
					b.Fatal(err)
				}
				peak = max(peak, peakRSS())
				res = nil
			}
			b.ReportMetric(peak, "peak-RSS-MiB")
			if bc.limit > 0 && peak > bc.limit {
				b.Fatalf("peak RSS %.0f MiB, over the %.0f MiB bound", peak, bc.limit)
			}
		})
	}
}

func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
