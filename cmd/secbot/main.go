// Command secbot is a Slack and Microsoft Teams bot that teaches chapter 4 of
// a seminar text on IT investment and cybersecurity for executives, and its
// glossary. Run it with no arguments to start the bot (the console when no
// chat credentials are set); see README.md for every command.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	_ "time/tzdata" // Asia/Tokyo must load on machines without zoneinfo files
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// SIGHUP reloads the config of `secbot run`; taken from the start so
	// that an early one does not kill the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Reload: hup}
	os.Exit(Main(ctx, env, os.Args[1:]))
}

// Env is what a command may touch of the outside world. Tests run commands
// with buffers and a map-backed Getenv.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Reload delivers SIGHUP: `secbot run` reloads its config. nil: never.
	Reload <-chan os.Signal
}

// command is one subcommand of secbot.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

var commands = map[string]command{}

// register adds a subcommand; each command's file registers itself in init.
func register(c command) { commands[c.name] = c }

// errUsage marks a usage error: the command printed its usage and exits 2.
var errUsage = errors.New("usage")

// Main runs secbot with args (without the program name) and returns the exit
// status: 0 on success, 1 on failure, 2 on a usage error.
//
// `secbot help [COMMAND]`, `--help`, `-h` (also after a command) print the
// usage to stdout and exit 0; `--version` is `secbot version`.
func Main(ctx context.Context, env *Env, args []string) int {
	name := "run"
	switch {
	case len(args) > 0 && (args[0] == "--version" || args[0] == "-version"):
		name, args = "version", args[1:]
	case len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help"):
		name, args = "help", args[1:]
	case len(args) > 0 && args[0] != "" && args[0][0] != '-':
		name, args = args[0], args[1:]
	}
	if name == "help" {
		return help(ctx, env, args)
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "secbot: unknown command %q\n", name)
		usage(env.Stderr)
		return 2
	}
	if wantsHelp(args) {
		// The command prints its usage where it prints errors: here the
		// usage was asked for, so it goes to stdout.
		e := *env
		e.Stderr = env.Stdout
		env = &e
	}
	err := c.run(ctx, env, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(env.Stderr, "secbot %s: %v\n", name, err)
		return 1
	}
}

// wantsHelp reports whether args ask for help (-h, --help) before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// help is `secbot help [COMMAND]`: the usage on stdout, exit 0; an unknown
// command is a usage error (stderr, exit 2).
func help(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		usage(env.Stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "secbot help: unknown command %q\n", args[0])
		usage(env.Stderr)
		return 2
	}
	fmt.Fprintf(env.Stdout, "secbot %s: %s\n\n", c.name, c.summary)
	e := *env
	e.Stderr = env.Stdout
	if err := c.run(ctx, &e, []string{"-h"}); err != nil && !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errUsage) {
		fmt.Fprintf(env.Stderr, "secbot help %s: %v\n", c.name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: secbot [command] [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "  help      this list; `secbot help COMMAND` for one command's flags")
	fmt.Fprintln(w, "\nWith no command, secbot runs the bot (`secbot run`): Slack, Teams, or the\nconsole when no chat credentials are set. See README.md.")
}

// newFlags returns a FlagSet for a subcommand that reports errors to env.
func newFlags(env *Env, name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: secbot %s\n", usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into errUsage. Flags may come
// before or after the other arguments (`secbot term ゼロトラスト --json`
// works like `secbot term --json ゼロトラスト`); after "--" everything is
// an argument.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(permuteFlags(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// permuteFlags moves the flags of args (with their values) before the other
// arguments, which follow a "--".
func permuteFlags(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // fs.Parse reports it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(append(flags, "--"), rest...)
}
