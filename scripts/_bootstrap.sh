# Sourced by scripts/demo and scripts/test: make .venv hold the locked dependencies of pyproject.toml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

apt_install() {
  # Install Debian packages when missing; only possible as root (or with passwordless sudo).
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  if ! command -v apt-get >/dev/null; then
    echo "apt-get is not available: install $* yourself" >&2
    return 1
  fi
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "QS Portal needs Python 3.11; $PYTHON is $("$PYTHON" --version)" >&2
  exit 1
fi

# psycopg2 builds from source and needs pg_config (libpq-dev) and a C compiler.
if ! command -v pg_config >/dev/null; then
  echo "Installing libpq-dev (for psycopg2)..."
  apt_install libpq-dev gcc
fi

# WeasyPrint (the honour certificate PDF) needs Pango; the certificate is in Chinese and needs a CJK font. Without
# them only the certificate fails, so a machine without apt warns and goes on.
ldconfig_bin=$(command -v ldconfig || echo /sbin/ldconfig)
if ! "$ldconfig_bin" -p 2>/dev/null | grep libpango-1.0 >/dev/null; then
  echo "Installing Pango (for WeasyPrint)..."
  apt_install libpango-1.0-0 libpangoft2-1.0-0 || echo "Warning: Pango is missing: certificate PDFs will fail" >&2
fi
if ! command -v fc-list >/dev/null; then
  echo "Installing fontconfig and a Chinese font (for the certificate PDF)..."
  apt_install fontconfig fonts-wqy-microhei || echo "Warning: no CJK font: certificates will show boxes" >&2
elif [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  echo "Installing a Chinese font (for the certificate PDF)..."
  apt_install fonts-wqy-microhei || echo "Warning: no CJK font: certificates will show boxes" >&2
fi

# This machine's pip configuration may name local wheel folders that do not exist: hide only those warnings.
without_location_warnings() { "$@" 2> >(grep -v "^WARNING: Location 'file:" >&2); }

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  without_location_warnings .venv/bin/pip install --quiet --disable-pip-version-check uv==0.13.9
fi
# The lock files pin every transitive dependency of pyproject.toml (regenerate them with the command they name).
without_location_warnings .venv/bin/uv pip install --quiet --python .venv/bin/python -r "${QS_LOCK:-requirements.lock}"
export PATH="$PWD/.venv/bin:$PATH"
