#!/usr/bin/env bash
# Renders every kustomization offline (no cluster needed) and checks the result:
#   1. `kustomize build` (or `kubectl kustomize`) of base, overlays/dev and overlays/production;
#   2. check-rendered.mjs on each overlay: parses the YAML and enforces the rules of README.md
#      (zero-downtime rollout settings, hardened pods, no secret values, default-deny network);
#   3. kubeconform against the Kubernetes schemas, when it is installed.
# Exits non-zero on the first failure. RENDER_DIR=dir keeps the rendered files.
set -euo pipefail

K8S="$(cd "$(dirname "$0")" && pwd)"
OUT="${RENDER_DIR:-$(mktemp -d)}"
mkdir -p "$OUT"
[ -n "${RENDER_DIR:-}" ] || trap 'rm -rf "$OUT"' EXIT

if command -v kustomize >/dev/null 2>&1; then
  render() { kustomize build "$1"; }
  echo "renderer: $(kustomize version 2>/dev/null | head -1)"
elif command -v kubectl >/dev/null 2>&1; then
  # The manifests use kustomize v5 syntax (labels, replicas, patches with targets): kubectl 1.27+.
  version="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\{0,1\}\([0-9]*\).*/\1/p')"
  if [ -z "$version" ] || [ "$version" -lt 5 ]; then
    echo "kubectl $(kubectl version --client 2>/dev/null | head -1) embeds kustomize older than v5; install kubectl 1.27+ or kustomize 5" >&2
    exit 1
  fi
  render() { kubectl kustomize "$1"; }
  echo "renderer: kubectl kustomize (kustomize v$version)"
else
  echo "neither kustomize nor kubectl is installed" >&2
  exit 1
fi

for target in base overlays/dev overlays/production; do
  file="$OUT/${target//\//-}.yaml"
  render "$K8S/$target" > "$file"
  echo "rendered $target: $(grep -c '^kind:' "$file") resources"
done

if command -v node >/dev/null 2>&1; then
  node "$K8S/check-rendered.mjs" "$OUT/overlays-dev.yaml"
  node "$K8S/check-rendered.mjs" "$OUT/overlays-production.yaml" --production
else
  echo "node not found: rendered YAML not checked" >&2
  exit 1
fi

if command -v kubeconform >/dev/null 2>&1; then
  kubeconform -strict -summary -ignore-missing-schemas "$OUT/overlays-dev.yaml" "$OUT/overlays-production.yaml"
else
  echo "kubeconform not installed: schema validation skipped"
fi
echo "k8s: all manifests render and pass their checks"
