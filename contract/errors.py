# SPDX-License-Identifier: Apache-2.0
"""The one error type a user can hit (bad path, corrupt artifact, config out of range, missing tool)."""


class SaformerError(Exception):
    """A user-facing error. The CLI prints it as one line and exits with status 2.

    The message names the file or field at fault and, where there is one, the fix.
    """
