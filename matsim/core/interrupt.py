"""The one line ``matsim`` prints when a command is interrupted (Ctrl-C / SIGTERM): what the running
command leaves behind and how to resume. Commands of every layer set it (``kmc run``, ``matsim run``);
:func:`matsim.cli.main` prints it, so it lives here, below every layer that sets it.
"""

from __future__ import annotations

#: the current hint: empty, or [a string or a function returning one]
HINT: list = []


def set_interrupt_hint(text) -> None:
    """What a Ctrl-C at this point leaves behind and how to resume (printed as one line); a string or
    a function returning one (evaluated when the interrupt comes)."""
    HINT[:] = [text]
