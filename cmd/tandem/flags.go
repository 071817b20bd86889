package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tandem-harness/tandem/internal/nearest"
)

// flagSet is a command's flags: --help prints the summary, usage and flags;
// a mistake is one line that names it and points at --help (exit 2).
type flagSet struct {
	*flag.FlagSet
	name string
	help func()
	// footer is printed after the flags by --help (environment variables).
	footer string
}

// newFlags returns a command's flag set.
func newFlags(name, usageLine, summary string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet("tandem "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // Parse's own messages: Parse below says it in one line
	fs.Usage = func() {}
	f := &flagSet{FlagSet: fs, name: name}
	f.help = func() {
		fmt.Fprintf(stderr, "%s\n\nUsage: tandem %s %s\n\nFlags:\n", summary, name, usageLine)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if f.footer != "" {
			fmt.Fprintf(stderr, "\n%s\n", f.footer)
		}
	}
	return f
}

// Parse parses args; --help prints the usage, and a flag that does not exist
// or a value that does not parse is a usageError.
func (f *flagSet) Parse(args []string) error {
	err := f.FlagSet.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		f.help()
		return err
	default:
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
			if near := f.nearest(name); near != "" {
				return f.usageErr("there is no flag --%s (did you mean --%s?)", name, near)
			}
			return f.usageErr("there is no flag --%s", name)
		}
		return f.usageErr("%v", err)
	}
}

// nearest is the defined flag closest to a mistyped name (at most two edits
// away), or "".
func (f *flagSet) nearest(name string) string {
	var names []string
	f.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
	return nearest.Name(name, names)
}

// NoArgs is a usageError when arguments follow the flags.
func (f *flagSet) NoArgs() error {
	if f.NArg() > 0 {
		return f.usageErr("unexpected argument %q", f.Arg(0))
	}
	return nil
}

func (f *flagSet) usageErr(format string, args ...any) error {
	return usageError{fmt.Errorf(format+"; see tandem %s --help", append(args, f.name)...)}
}

// usageError is a mistake in a command line: it exits 2, as flag errors do.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }
