#!/usr/bin/python3
"""Runs one of Nova's programs from Debian's python3-nova.

    nova_run.py api|conductor|scheduler|compute|manage ARGS...

The same as `nova-api ARGS...` and so on: Debian ships those launchers in packages (nova-api,
nova-compute...) whose dependencies drag in libvirt and QEMU even without recommends; the
library alone (python3-nova) has the programs' modules, `nova.cmd.<name>`.
"""

import importlib
import sys

import sqlite_immediate  # noqa: F401  (Nova's processes share SQLite databases: see the module)

PROGRAMS = ("api", "conductor", "scheduler", "compute", "manage")

if len(sys.argv) < 2 or sys.argv[1] not in PROGRAMS:
    sys.exit(f"usage: nova_run.py {'|'.join(PROGRAMS)} ARGS...")
name = sys.argv[1]
sys.argv = [f"nova-{name}"] + sys.argv[2:]
sys.exit(importlib.import_module(f"nova.cmd.{name}").main())
