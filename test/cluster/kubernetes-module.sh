# Sourced by test/cluster/setup and test/nodes/setup: how a Kubernetes binary is built from the
# k8s.io/kubernetes module outside its own tree. Needs GOMODCACHE/GOFLAGS set by the caller.

# Starts (or restarts) a wrapper main module in $1 that requires k8s.io/kubernetes at $2; prints $1.
kubernetes_wrapper() {
  local w=$1 version=$2
  rm -rf "$w" && mkdir -p "$w"
  (
    cd "$w"
    go mod init poorman-faas.test/kubernetes >/dev/null 2>&1
    go mod edit -require="k8s.io/kubernetes@$version"
    local gomod
    gomod=$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
    # Kubernetes points its staging modules at ./staging/...; outside its own
    # tree they resolve to the published v0.<minor>.<patch> tags.
    local staging="v0.${version#v1.}" m edits=()
    while read -r m; do
      edits+=("-replace=$m=$m@$staging")
    done < <(sed -n 's#^\t\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod")
    ((${#edits[@]} > 0)) || { echo "no staging modules found in $gomod" >&2; exit 1; }
    go mod edit "${edits[@]}"
  ) || return 1
  echo "$w"
}

# The -ldflags that give a Kubernetes binary its version, as the release build does.
kubernetes_ldflags() {
  local version=$1 v=${1#v} pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=$version -X $pkg.gitMajor=${v%%.*}"
  ldflags+=" -X $pkg.gitMinor=$(cut -d. -f2 <<<"$v") -X $pkg.gitTreeState=clean"
  ldflags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  echo "$ldflags"
}
