#!/usr/bin/env bash
# Creates the Secrets the dev overlay expects, with fresh random passwords and a fresh Ed25519
# signing key, so that no credential is ever committed. A Secret that already exists is kept
# (the Postgres and RabbitMQ volumes remember the first passwords); delete it to regenerate.
#
#   k8s/overlays/dev/create-secrets.sh            # against the current kubectl context
#   DRY_RUN=1 k8s/overlays/dev/create-secrets.sh  # print the manifests instead (values included)
#   AUTH_ADMIN_PASSWORD=... k8s/overlays/dev/create-secrets.sh   # choose the admin password
set -euo pipefail

NS=orderly
HERE="$(cd "$(dirname "$0")" && pwd)"
DRY_RUN="${DRY_RUN:-}"
ADMIN_EMAIL="${AUTH_ADMIN_EMAIL:-admin@orderly.local}"

command -v openssl >/dev/null || { echo "openssl is needed to generate passwords and the signing key" >&2; exit 1; }
random() { openssl rand -hex 16; }

exists() { [ -z "$DRY_RUN" ] && kubectl -n "$NS" get secret "$1" >/dev/null 2>&1; }

# The value of an existing Secret's key, or nothing.
current() {
  exists "$1" || return 0
  kubectl -n "$NS" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d
}

# create NAME kubectl-create-secret-generic-args...: creates NAME unless it exists.
create() {
  local name="$1"; shift
  if exists "$name"; then echo "secret/$name exists, kept"; return; fi
  if [ -n "$DRY_RUN" ]; then
    kubectl create secret generic "$name" -n "$NS" "$@" --dry-run=client -o yaml; echo ---
  else
    kubectl create secret generic "$name" -n "$NS" "$@"
  fi
}

if [ -z "$DRY_RUN" ]; then kubectl apply -f "$HERE/../../base/namespace.yaml"; fi

PG_PASSWORD="$(current orderly-dev-postgres POSTGRES_PASSWORD)"; PG_PASSWORD="${PG_PASSWORD:-$(random)}"
MQ_PASSWORD="$(current orderly-dev-rabbitmq RABBITMQ_DEFAULT_PASS)"; MQ_PASSWORD="${MQ_PASSWORD:-$(random)}"
AMQP_URL="amqp://orderly:${MQ_PASSWORD}@rabbitmq:5672"
REDIS_URL="redis://redis:6379"
# A service's role and password live only in its DATABASE_URL; the migrations Job creates the
# role from it. Hex passwords need no URL encoding.
database_url() { echo "postgres://orderly_$1:$(random)@postgres:5432/orderly"; }

create orderly-dev-postgres --from-literal=POSTGRES_PASSWORD="$PG_PASSWORD"
create orderly-dev-rabbitmq --from-literal=RABBITMQ_DEFAULT_USER=orderly --from-literal=RABBITMQ_DEFAULT_PASS="$MQ_PASSWORD"
create orderly-postgres-admin --from-literal=DATABASE_ADMIN_URL="postgres://postgres:${PG_PASSWORD}@postgres:5432/postgres"

if ! exists orderly-auth; then
  ADMIN_PASSWORD="${AUTH_ADMIN_PASSWORD:-$(random)}"
  create orderly-auth --from-literal=DATABASE_URL="$(database_url auth)" --from-literal=AMQP_URL="$AMQP_URL" \
    --from-literal=AUTH_ADMIN_EMAIL="$ADMIN_EMAIL" --from-literal=AUTH_ADMIN_PASSWORD="$ADMIN_PASSWORD"
  echo "admin account: $ADMIN_EMAIL (password: kubectl -n $NS get secret orderly-auth -o jsonpath='{.data.AUTH_ADMIN_PASSWORD}' | base64 -d)" >&2
else
  echo "secret/orderly-auth exists, kept"
fi

if ! exists orderly-auth-signing-key; then
  KEYS="$(mktemp -d)"; trap 'rm -rf "$KEYS"' EXIT
  openssl genpkey -algorithm ed25519 -out "$KEYS/signing-key.pem"
  : > "$KEYS/previous-public-keys.pem"
  create orderly-auth-signing-key --from-file="$KEYS/signing-key.pem" --from-file="$KEYS/previous-public-keys.pem"
else
  echo "secret/orderly-auth-signing-key exists, kept"
fi

create orderly-orders --from-literal=DATABASE_URL="$(database_url orders)" --from-literal=AMQP_URL="$AMQP_URL" --from-literal=REDIS_URL="$REDIS_URL"
create orderly-notifications --from-literal=DATABASE_URL="$(database_url notifications)" --from-literal=AMQP_URL="$AMQP_URL"
create orderly-reporting --from-literal=DATABASE_URL="$(database_url reporting)" --from-literal=AMQP_URL="$AMQP_URL" --from-literal=REDIS_URL="$REDIS_URL"
create orderly-gateway --from-literal=REDIS_URL="$REDIS_URL"
