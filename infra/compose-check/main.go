// compose-check loads docker-compose.yml with compose-go, the loader `docker compose` itself
// uses, with the options `docker compose up` gives it (see docker/compose, cmd/compose/compose.go
// toProjectOptions and pkg/compose/loader.go), and prints the resolved project as JSON with
// every warning the loader logged. No Docker engine is needed: the kit's tests run it where
// none answers. An invalid file prints one line `INVALID: <the loader's error>` and exits 1.
//
//	compose-check --project-dir DIR --env-file FILE [--profile NAME]... [SERVICE...]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"
)

type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// warningCollector keeps what compose-go logs at warning level or above: `docker compose`
// prints those lines (an unset variable, an obsolete attribute...) before it does anything.
type warningCollector struct{ lines []string }

func (c *warningCollector) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (c *warningCollector) Fire(entry *logrus.Entry) error {
	c.lines = append(c.lines, entry.Message)
	return nil
}

type result struct {
	Project  *types.Project `json:"project"`
	Warnings []string       `json:"warnings"`
}

func main() {
	projectDir := flag.String("project-dir", ".", "folder of docker-compose.yml")
	var envFiles, profiles repeated
	flag.Var(&envFiles, "env-file", "an env file, as `docker compose --env-file`")
	flag.Var(&profiles, "profile", "a profile to enable, as `docker compose --profile`")
	flag.Parse()
	services := flag.Args()

	warnings := &warningCollector{}
	logrus.SetOutput(io.Discard)
	logrus.AddHook(warnings)

	project, err := load(*projectDir, envFiles, profiles, services)
	if err != nil {
		for _, line := range warnings.lines {
			fmt.Fprintf(os.Stderr, "WARNING: %s\n", line)
		}
		fmt.Fprintf(os.Stderr, "INVALID: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		os.Exit(1)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	if err := out.Encode(result{Project: project, Warnings: append([]string{}, warnings.lines...)}); err != nil {
		fmt.Fprintf(os.Stderr, "INVALID: cannot print the project: %s\n", err)
		os.Exit(1)
	}
}

// load follows `docker compose up`: the same option order (the OS environment wins over the env
// files), then the same post-processing (enabled and selected services, environment resolved).
func load(projectDir string, envFiles, profiles, services []string) (*types.Project, error) {
	options, err := cli.NewProjectOptions(nil,
		cli.WithResolvedPaths(true),
		cli.WithWorkingDirectory(projectDir),
		cli.WithOsEnv,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(profiles...),
		cli.WithName(""),
	)
	if err != nil {
		return nil, err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return nil, err
	}
	if project, err = project.WithServicesEnabled(services...); err != nil {
		return nil, err
	}
	if project, err = project.WithSelectedServices(services); err != nil {
		return nil, err
	}
	project = project.WithoutUnnecessaryResources()
	return project.WithServicesEnvironmentResolved(true)
}
