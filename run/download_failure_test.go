package run_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A file the run cannot download fails the run, saying which: the answer
// is not returned as if the file were there.
func TestDownloadFilesFailure(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return mistraltest.Respond(mistraltest.Chunks(json.RawMessage(`{"type":"tool_file","tool":"image_generation","file_id":"file_missing","file_name":"cat.png","file_type":"png"}`))), nil
	})
	defer s.Close()
	res, err := newRunner(t, s, run.WithModel("m"), run.WithDownloadFiles(true)).Run(context.Background(), mistral.TextInputs("draw a cat"))
	if err == nil || !strings.Contains(err.Error(), "downloading file file_missing") {
		t.Fatalf("err %v, want the download's failure", err)
	}
	if res == nil || len(res.Files) != 1 || res.Files[0].Data != nil {
		t.Fatalf("result %+v", res)
	}
}
