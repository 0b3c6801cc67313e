# Installs ghtraf $GHTRAF_VERSION into ~/.cargo/bin: the release binary for this runner from
# $GHTRAF_RELEASES, checked against the release's SHA256SUMS before it is unpacked or run.
# Where the release has no binary for this platform, it builds from source (cargo install).
set -euo pipefail
version="$GHTRAF_VERSION"
base="${GHTRAF_RELEASES%/}/download/v$version"
dest="$HOME/.cargo/bin"
from_source() {
  echo "::warning::$1; building ghtraf $version from source instead (takes minutes)"
  cargo install ghtraf --version "$version" --locked
}
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64 | Darwin/aarch64) target=aarch64-apple-darwin ;;
  *) target="" ;;
esac
if [ -z "$target" ]; then
  from_source "no ghtraf release binary for $(uname -s) $(uname -m)"
  exit 0
fi
name="ghtraf-$version-$target.tar.gz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
get() {
  curl --silent --show-error --location --retry 3 --connect-timeout 20 \
    --output "$2" --write-out '%{http_code}' "$1"
}
status="$(get "$base/SHA256SUMS" "$work/SHA256SUMS")" || {
  echo "::error::cannot download $base/SHA256SUMS (network?); nothing was installed"
  exit 1
}
if [ "$status" = 404 ]; then
  from_source "no release v$version at ${GHTRAF_RELEASES%/}"
  exit 0
elif [ "$status" != 200 ]; then
  echo "::error::$base/SHA256SUMS answered HTTP $status; nothing was installed"
  exit 1
fi
expected="$(awk -v f="$name" '$2 == f || $2 == "*" f { print $1; exit }' "$work/SHA256SUMS")"
if [ -z "$expected" ]; then
  from_source "release v$version has no $name"
  exit 0
fi
status="$(get "$base/$name" "$work/$name")" || status=failed
if [ "$status" != 200 ]; then
  echo "::error::cannot download $base/$name (HTTP $status); nothing was installed"
  exit 1
fi
if command -v sha256sum >/dev/null; then
  actual="$(sha256sum "$work/$name" | cut -d ' ' -f 1)"
else
  actual="$(shasum -a 256 "$work/$name" | cut -d ' ' -f 1)"
fi
if [ "$actual" != "$expected" ]; then
  echo "::error::checksum mismatch for $name: SHA256SUMS lists $expected, the download is $actual. Refusing to install it; nothing from it was unpacked or run."
  exit 1
fi
tar -xzf "$work/$name" -C "$work"
mkdir -p "$dest"
cp "$work/ghtraf-$version-$target/ghtraf" "$dest/ghtraf"
chmod 755 "$dest/ghtraf"
if [ -n "${GITHUB_PATH:-}" ]; then echo "$dest" >> "$GITHUB_PATH"; fi
echo "installed $name (sha256 $actual) into $dest"
"$dest/ghtraf" --version
