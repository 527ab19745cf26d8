//go:build ignore

// Command mutatereport reads the JSON results of gremlins (one file per
// package, given as pkg=file.json), leaves out the mutants listed as
// equivalent, prints every surviving mutant and the kill rate, and exits 1
// when the rate is below -target percent. scripts/mutate.sh runs it.
//
// The kill rate is killed / (killed + lived), as gremlins' efficacy: mutants
// that timed out are reported apart.
//
// A mutant is named path:MUTATOR:+col: line, where line is its source line
// without indentation and col the mutant's column in it, so that a listed
// equivalent mutant stays recognised when lines above it move.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

type report struct {
	Files []struct {
		FileName  string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

func main() {
	target := flag.Float64("target", 90, "minimum kill rate, percent")
	equivFile := flag.String("equivalent", "", "file listing equivalent mutants, one per line, # comments")
	flag.Parse()
	equiv, err := readEquivalent(*equivFile)
	if err != nil {
		fatal(err)
	}
	var killed, lived, timedOut, uncovered, equivalent, other int
	var survivors []string
	seen := map[string]bool{}
	ran := map[string]bool{} // the packages given
	for _, arg := range flag.Args() {
		pkg, file, ok := strings.Cut(arg, "=")
		if !ok {
			fatal(fmt.Errorf("argument %q is not pkg=file.json", arg))
		}
		ran[pkg] = true
		b, err := os.ReadFile(file)
		if err != nil {
			fatal(err)
		}
		var r report
		if err := json.Unmarshal(b, &r); err != nil {
			fatal(fmt.Errorf("%s: %w", file, err))
		}
		var pk, pl int
		for _, f := range r.Files {
			path := filepath.ToSlash(filepath.Join(pkg, f.FileName))
			lines, err := readLines(path)
			if err != nil {
				fatal(err)
			}
			for _, m := range f.Mutations {
				name := mutantName(path, lines, m.Type, m.Line, m.Column)
				switch m.Status {
				case "TIMED OUT":
					// A hang, or a machine too busy to tell: counted apart,
					// as gremlins does, neither killed nor lived.
					timedOut++
				case "KILLED":
					if equiv[name] {
						fmt.Printf("listed as equivalent but killed (remove it from the list): %s\n", name)
					}
					killed++
					pk++
				case "LIVED":
					if equiv[name] {
						equivalent++
						seen[name] = true
						continue
					}
					lived++
					pl++
					survivors = append(survivors, name)
				case "NOT COVERED":
					uncovered++
				default: // NOT VIABLE (does not build), SKIPPED
					other++
				}
			}
		}
		fmt.Printf("%-16s killed %3d  lived %3d  kill rate %s\n", pkg, pk, pl, rate(pk, pl))
	}
	for _, s := range survivors {
		fmt.Println("LIVED", s)
	}
	for name := range equiv {
		if !seen[name] && ran[filepath.Dir(strings.SplitN(name, ":", 2)[0])] {
			fmt.Printf("listed as equivalent, not seen living this run: %s\n", name)
		}
	}
	fmt.Printf("mutants: %d killed, %d lived, %d equivalent (left out), %d timed out, %d not covered by any test, %d not viable or skipped\n",
		killed, lived, equivalent, timedOut, uncovered, other)
	fmt.Printf("kill rate: %s of non-equivalent covered mutants (target %.0f%%)\n", rate(killed, lived), *target)
	if killed+lived == 0 || 100*float64(killed) < *target*float64(killed+lived) {
		os.Exit(1)
	}
}

func rate(k, l int) string {
	if k+l == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(k)/float64(k+l))
}

// mutantName is path:MUTATOR:+col: line (see the package comment).
func mutantName(path string, lines []string, typ string, line, col int) string {
	text := ""
	if line >= 1 && line <= len(lines) {
		text = lines[line-1]
	}
	trimmed := strings.TrimLeft(text, " \t")
	return fmt.Sprintf("%s:%s:+%d: %s", path, typ, col-(len(text)-len(trimmed)), strings.TrimSpace(trimmed))
}

func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return strings.Split(string(b), "\n"), nil
}

func readEquivalent(path string) (map[string]bool, error) {
	equiv := map[string]bool{}
	if path == "" {
		return equiv, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		equiv[l] = true
	}
	return equiv, sc.Err()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "mutatereport:", err)
	os.Exit(2)
}
