#!/usr/bin/env bash
# Builds the services' container images with Jib (the parent pom's `images` profile): no Docker daemon, and offline
# when the base image is given as a tar. The images are loaded into podman (or pushed with --push).
#
#   deploy/images/build.sh --base-tar /path/openjdk17.tar [--tag 0.1.0] [service...]
#   deploy/images/build.sh --base registry.access.redhat.com/ubi9/openjdk-17-runtime:1.23 --push [service...]
#   deploy/images/build.sh --make-debian-base /path/base.tar     # a JRE 17 base image from Debian packages
#
# A base tar is any OpenJDK 17 runtime image saved as a docker archive: `podman save -o base.tar IMAGE` or
# `skopeo copy docker://IMAGE docker-archive:base.tar` on a machine that reaches the registry, or built here from
# Debian's packages with --make-debian-base (debootstrap + openjdk-17-jre-headless, then `podman import`).
# Services default to all seven. Names: ghcr.io/strata/<service>:<tag> (-Dstrata.image.registry/group to change).
set -euo pipefail
cd "$(dirname "$0")/../.."

ALL=(gateway auth registry ingest transform scheduler notifier)
base="" tag="" push=false services=()

die() { echo "build.sh: $*" >&2; exit 1; }

make_debian_base() {
  local out="$1"
  command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
  command -v podman >/dev/null || die "podman is missing (apt-get install podman)"
  root="$(mktemp -d)"
  trap 'rm -rf "${root:-}"' EXIT
  mkdir -p "$(dirname "$out")"
  # minbase + the headless JRE; postinst puts java on PATH (/usr/bin/java)
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$root"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  mkdir -p "$root/deployments" && chown 185:185 "$root/deployments"
  tar -C "$root" -c . | podman import --change 'USER 185:185' --change 'WORKDIR /deployments' - strata/jre17-base:bookworm
  podman save --format docker-archive -o "$out" strata/jre17-base:bookworm
  echo "base image: $out"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --base-tar) [[ -f "${2:-}" ]] || die "--base-tar: no file ${2:-}"; base="tar://$(realpath "$2")"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --push) push=true; shift ;;
    --make-debian-base) make_debian_base "$(realpath -m "${2:?--make-debian-base FILE}")"; exit 0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) services+=("$1"); shift ;;
  esac
done
[[ ${#services[@]} -gt 0 ]] || services=("${ALL[@]}")
for s in "${services[@]}"; do [[ " ${ALL[*]} " == *" $s "* ]] || die "unknown service $s (one of: ${ALL[*]})"; done
if [[ "$push" == false ]] && ! command -v podman >/dev/null; then
  die "podman is missing: the images are loaded into podman (apt-get install podman), or use --push"
fi

args=(-B -Dstrata.images -DskipTests -Dstrata.image.push="$push")
[[ -n "$base" ]] && args+=(-Dstrata.image.base="$base")
[[ -n "$tag" ]] && args+=(-Dstrata.image.tag="$tag")
modules=$(printf 'services/%s,' "${services[@]}")
./mvnw "${args[@]}" -pl "${modules%,}" -am package
echo "built: $(printf '%s ' "${services[@]}")"
