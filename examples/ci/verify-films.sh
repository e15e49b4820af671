#!/usr/bin/env bash
# Runs `scenec verify` on every film of a repository: the CI half of the recipe in
# examples/ci/README.md.
#
# A film is a `.scene` file with a top-level `film "…"` block inside a project (a directory tree
# with a `scene.toml` at its root). Its goldens live beside it in `goldens/<file stem>/`, so a
# project with several films keeps them apart.
#
# Usage: verify-films.sh [--bless] [ROOT]        (ROOT defaults to the current directory)
# Environment:
#   SCENEC          the scenec binary (default: `scenec` on PATH)
#   SCENEC_REPORTS  where HTML reports of failing films go (default: ROOT/scenec-reports)
#   SCENEC_ARGS     extra arguments for every verify, e.g. "--backend ltx --model-dir /models/ltx"
#
# Exit status: 0 every film matches its goldens; 1 some shot regressed, was added or was removed;
# 2 the tool failed on some film (missing goldens, a script error, a render failure). Every film
# is verified even after one fails, so one CI run names every regression.
set -uo pipefail

bless=()
root=.
for arg in "$@"; do
    case "$arg" in
        --bless) bless=(--bless) ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "verify-films.sh: unknown option $arg" >&2; exit 2 ;;
        *) root=$arg ;;
    esac
done
scenec=${SCENEC:-scenec}
if ! command -v "$scenec" >/dev/null 2>&1; then
    echo "verify-films.sh: \`$scenec\` not found; install scenec or set SCENEC" >&2
    exit 2
fi
root=$(cd "$root" && pwd) || exit 2
reports=${SCENEC_REPORTS:-$root/scenec-reports}
read -r -a extra <<<"${SCENEC_ARGS:-}"

# Films, in a stable order; build output, caches and dependencies are never searched.
mapfile -t films < <(
    find "$root" \( -name .git -o -name target -o -name node_modules -o -name .scene-cache \
        -o -name goldens \) -prune -o -type f -name '*.scene' -print |
    LC_ALL=C sort |
    while IFS= read -r f; do
        grep -qE '^[[:space:]]*film[[:space:]]+"' "$f" || continue
        # Only films inside a project: walk up to a scene.toml at or below the root.
        d=$(dirname "$f")
        while [ "$d" != "$root" ] && [ ! -f "$d/scene.toml" ]; do d=$(dirname "$d"); done
        [ -f "$d/scene.toml" ] && printf '%s\n' "$f"
    done
)
if [ ${#films[@]} -eq 0 ]; then
    echo "verify-films.sh: no films (a .scene file with a \`film\` block in a project with a scene.toml) under $root" >&2
    exit 2
fi

# Collapsible log sections on GitHub Actions; plain headings elsewhere.
group() { if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::group::$1"; else echo "== $1"; fi; }
endgroup() { if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::endgroup::"; fi; }

status=0
summary=()
for film in "${films[@]}"; do
    rel=${film#"$root"/}
    golden="$(dirname "$film")/goldens/$(basename "$film" .scene)"
    report="$reports/${rel//\//__}.html"
    report=${report%.scene.html}.html
    mkdir -p "$reports"
    group "verify $rel"
    "$scenec" verify "$film" --golden "$golden" "${bless[@]}" --report "$report" "${extra[@]}"
    code=$?
    endgroup
    case $code in
        0) result="ok"; rm -f "$report" ;;
        1) result="REGRESSED (report: ${report#"$root"/})"; [ $status -eq 2 ] || status=1 ;;
        *) result="FAILED (exit $code)"; status=2 ;;
    esac
    summary+=("| \`$rel\` | $result |")
    echo "$rel: $result"
done

# On GitHub Actions the table also lands on the run's summary page.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
        echo "### scenec verify"
        echo
        echo "| film | result |"
        echo "|---|---|"
        printf '%s\n' "${summary[@]}"
    } >>"$GITHUB_STEP_SUMMARY"
fi
exit $status
