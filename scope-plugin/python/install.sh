#!/bin/sh
# Install the oscope --os-scope plugin into Debian's system Python
# (/usr/bin/python3, the interpreter of /usr/bin/openstack), offline.
#
# Only Debian packages are used: the build runs with Debian's pip and
# setuptools (--no-index --no-build-isolation --no-deps: nothing is fetched
# from PyPI); missing Debian packages are installed with apt-get.  The
# plugin lands in /usr/local/lib/python3.11/dist-packages (pip's location for
# the system interpreter on Debian), never under /usr/lib.  Safe to run again:
# each run reinstalls the current sources.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        exec sudo -- "$0" "$@"
    fi
    echo "install.sh: must run as root (installs into the system Python)" >&2
    exit 1
fi

# Debian packages needed: the CLI itself, and pip/setuptools/wheel to build.
missing=""
for pkg in python3-openstackclient python3-pip python3-setuptools python3-wheel; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done
if [ -n "$missing" ]; then
    echo "install.sh: installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if ! apt-get install -y --no-install-recommends $missing; then
        apt-get update
        # shellcheck disable=SC2086
        apt-get install -y --no-install-recommends $missing
    fi
fi

# Build from a copy so that the checkout gets no build/ or *.egg-info.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
cp -R "$HERE/pyproject.toml" "$HERE/README.md" "$HERE/oscope_scope" "$work/src/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +

# Debian marks its Python as externally managed (PEP 668); this flag lets
# pip put our one package into /usr/local.  No dependency is touched.
break_flag=""
if "$PY" -m pip install --help 2>/dev/null | grep -q -- --break-system-packages; then
    break_flag="--break-system-packages"
fi
# shellcheck disable=SC2086
env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
    "$PY" -m pip install \
    --no-index --no-build-isolation --no-deps --force-reinstall \
    --disable-pip-version-check --no-cache-dir --root-user-action=ignore \
    $break_flag "$work/src"

# stevedore caches entry points per user; drop the cache so the CLI sees
# the plugin at once (the cache also notices new files by itself).
rm -rf "${XDG_CACHE_HOME:-$HOME/.cache}/python-entrypoints"
if [ -n "${SUDO_USER:-}" ]; then
    user_home=$(getent passwd "$SUDO_USER" | cut -d: -f6 || true)
    if [ -n "$user_home" ]; then
        rm -rf "$user_home/.cache/python-entrypoints"
    fi
fi

# Check that the installed plugin is the one the CLI will load.
(cd / && "$PY" - <<'PYEOF'
from importlib import metadata
import oscope_scope.plugin, oscope_scope.command  # noqa: F401
eps = metadata.entry_points(group='openstack.cli.extension')
assert any(ep.value == 'oscope_scope.plugin' for ep in eps), 'entry point missing'
print('install.sh: oscope-scope %s installed in %s'
      % (metadata.version('oscope-scope'),
         oscope_scope.plugin.__file__.rsplit('/oscope_scope/', 1)[0]))
PYEOF
)
