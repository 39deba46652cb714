// compose-config: loads a Compose project the way `docker compose config` does (compose-go's
// loader: the compose-spec JSON schema, interpolation from .env, normalization, consistency
// checks such as depends_on targets), then prints the resolved model as YAML.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-config <compose.yaml> [env-file]")
		os.Exit(2)
	}
	opts := []cli.ProjectOptionsFn{cli.WithOsEnv, cli.WithDotEnv}
	if len(os.Args) > 2 {
		opts = append([]cli.ProjectOptionsFn{cli.WithEnvFiles(os.Args[2])}, opts...)
	}
	options, err := cli.NewProjectOptions([]string{os.Args[1]}, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := project.MarshalYAML()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}
