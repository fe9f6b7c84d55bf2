package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

func init() {
	register(command{name: "version", summary: "print the module version, VCS revision and time of this build", run: runVersion})
}

// buildVersion returns the module version ("(devel)" for a build from a
// work tree), the VCS revision (with "+dirty" for uncommitted changes, ""
// when unknown) and the Go version, from the build info.
func buildVersion() (version, revision, goVersion string) {
	version, goVersion = "(devel)", runtime.Version()
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version, "", goVersion
	}
	if info.Main.Version != "" {
		version = info.Main.Version
	}
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if revision != "" && dirty {
		revision += "+dirty"
	}
	return version, revision, goVersion
}

// vcsTime is the commit time of the build's revision, "" when unknown.
func vcsTime() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.time" {
			return s.Value
		}
	}
	return ""
}

// runVersion is `secbot version` (and `secbot --version`).
func runVersion(_ context.Context, env *Env, args []string) error {
	fs := newFlags(env, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	version, revision, goVersion := buildVersion()
	fmt.Fprintf(env.Stdout, "secbot %s\n", version)
	fmt.Fprintf(env.Stdout, "  revision: %s\n", orDefault(revision, "unknown (built without VCS information)"))
	fmt.Fprintf(env.Stdout, "  time:     %s\n", orDefault(vcsTime(), "unknown"))
	fmt.Fprintf(env.Stdout, "  go:       %s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	return nil
}
