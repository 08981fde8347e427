#!/usr/bin/env bash
# Installs the Debian packages BundleKD needs, only those missing, so a second run is instant.
set -euo pipefail
packages=(libncursesw5-dev libcurl4-openssl-dev libsqlite3-dev tmux python3 python3-venv time)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift not found on PATH: install Swift 6 (swift.org) first" >&2; exit 1; }
