package mcpconfig

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
)

// loadEnvFiles reads each server's envFile (a dotenv file) under its own
// env entries, which win.
func (f *File) loadEnvFiles() error {
	for i := range f.Servers {
		s := &f.Servers[i]
		if s.EnvFile == "" {
			continue
		}
		if err := s.loadEnvFile(s.EnvFile); err != nil {
			return &Error{File: f.Path, Key: s.Name + ".envFile", Msg: err.Error(), Err: err}
		}
	}
	return nil
}

// loadEnvFile adds the KEY=VALUE lines of a dotenv file to s.Env, under
// the entries s.Env already has.
func (s *Server) loadEnvFile(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return err
	}
	if len(data) > MaxFileSize {
		return fmt.Errorf("%s: larger than %d MiB", path, MaxFileSize>>20)
	}
	if s.Env == nil {
		s.Env = map[string]string{}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, MaxFileSize)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		if _, set := s.Env[k]; !set {
			s.Env[k] = v
		}
	}
	return sc.Err()
}
