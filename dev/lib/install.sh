# Sourced by dev/clouds: installs the Debian packages the mini clouds need, skipping what is there.
# shellcheck shell=bash

CLOUDS_PACKAGES=(keystone glance python3-openstackclient uwsgi-core uwsgi-plugin-python3 curl)

clouds_missing_packages() {
  local pkg status missing=()
  for pkg in "${CLOUDS_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == *" installed" ]] || missing+=("$pkg")
  done
  echo "${missing[*]}"
}

clouds_install() {
  local missing
  missing=$(clouds_missing_packages)
  [[ -z "$missing" ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "clouds: Debian packages missing ($missing); run dev/clouds as root once to install them" >&2
    return 1
  fi
  # Without a policy-rc.d that says no, the postinst scripts start Debian's own keystone/glance.
  local made_policy=""
  if [[ ! -x /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  echo "clouds: installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086 # a list of package names
  if ! apt-get install -y -q --no-install-recommends $missing; then
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
  fi
  [[ -n "$made_policy" ]] && rm -f /usr/sbin/policy-rc.d
  return 0
}
