# Sourced by dev/clouds: installs the Debian packages the mini clouds need, skipping what is there.
# shellcheck shell=bash

CLOUDS_PACKAGES=(keystone glance python3-openstackclient uwsgi-core uwsgi-plugin-python3 curl)
# With --with-compute. Not the nova-compute package: it drags in libvirt and QEMU even without
# recommends; python3-nova has the programs' modules (dev/lib/nova_run.py runs them).
# neutron-server brings Neutron's API (dev/lib/neutron_wsgi.py runs it; its own service never starts).
CLOUDS_COMPUTE_PACKAGES=(python3-nova python3-placement rabbitmq-server neutron-server)

clouds_missing_packages() {  # [--compute]
  local pkg status missing=() wanted=("${CLOUDS_PACKAGES[@]}")
  [[ ${1:-} == --compute ]] && wanted+=("${CLOUDS_COMPUTE_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == *" installed" ]] || missing+=("$pkg")
  done
  echo "${missing[*]}"
}

clouds_install() {  # [--compute]
  local missing
  missing=$(clouds_missing_packages "$@")
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

# nova_api_paste FILE: Nova's api-paste.ini, which Debian ships in nova-common (a dependency of
# the packages we avoid): the package is downloaded, not installed, and the file taken from it.
nova_api_paste() {
  local out=$1 tmp
  [[ -s "$out" ]] && return 0
  tmp=$(mktemp -d)
  chmod 755 "$tmp"  # apt-get download runs as _apt where it can
  if ! (cd "$tmp" && apt-get download -q nova-common >/dev/null 2>&1); then
    apt-get update -q >/dev/null
    (cd "$tmp" && apt-get download -q nova-common >/dev/null 2>&1) || { rm -rf "$tmp"; echo "clouds: apt-get download nova-common failed" >&2; return 1; }
  fi
  dpkg-deb --fsys-tarfile "$tmp"/nova-common_*.deb | tar -xO ./usr/share/nova-common/api-paste.ini >"$out.new"
  rm -rf "$tmp"
  mv "$out.new" "$out"
}
