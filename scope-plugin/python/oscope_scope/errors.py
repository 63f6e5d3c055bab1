"""How the plugin reports bad input: one line on stderr, exit status 2."""

import os
import sys

EXIT_STATUS = 2


def fail(message):
    """Print ``message`` as a one-line error and exit with status 2.

    Used before any request is sent, so nothing leaves the machine with a
    scope the user did not mean.  Raising ``SystemExit`` (rather than an
    ``Exception``) lets the error go through cliff's and osc-lib's generic
    handlers, which would otherwise log it and exit with status 1.
    """
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ''
    prog = prog or 'openstack'
    line = ' '.join(str(message).split())
    sys.stderr.write('%s: error: %s\n' % (prog, line))
    sys.stderr.flush()
    raise SystemExit(EXIT_STATUS)
