package run

import "time"

// RunTimeout returns the bound [WithRunTimeout] set (0: none). A Runner
// lent to a durable run's worker (module github.com/mcprun/mcprun/temporal)
// cannot bound that run, which outlives any one worker: the worker refuses
// a Runner that has one, and the run carries its own.
func (r *Runner) RunTimeout() time.Duration { return r.cfg.runTimeout }

// DownloadsFiles reports whether runs download their files
// ([WithDownloadFiles]). A durable run's worker refuses such a Runner: the
// files would travel through the workflow's history.
func (r *Runner) DownloadsFiles() bool { return r.cfg.downloadFiles }
