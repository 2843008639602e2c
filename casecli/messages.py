"""Messages shown at run time that are not help texts, listed so the catalogs can be checked.

Help texts are collected by building the CLI; these are the words of the wizards and prompts.
"""

from __future__ import annotations

from casecli.i18n import _

SAVE = "Save"
CORRECT = "Correct an answer"
CANCEL = "Cancel (save nothing)"
WHAT_NOW = "What now?"
WHICH_ANSWER = "Which answer?"
YES = "Yes"
NO = "No"
SKIP = "— skip —"
BACK = "← back"
OPTIONAL = "optional"
NOTHING_SAVED = "Cancelled: nothing was saved."
REGISTERED = "Registered case {number}."
STORE_PASSPHRASE = "Store passphrase"
RECOVERY_WARNING = (
    "This recovery code opens the store if you forget your passphrase. Write it on paper now and "
    "keep it apart from this laptop: it is shown only this once. If both the passphrase and this "
    "code are lost, every case in this store is lost with them."
)
# Typer's own words in every help screen
HELP_OPTION = "Show this message and exit."
USAGE = "Usage: "
OPTIONS_METAVAR = "[OPTIONS]"
COMMAND_METAVAR = "COMMAND [ARGS]..."
INSTALL_COMPLETION = "Install completion for the current shell."
SHOW_COMPLETION = "Show completion for the current shell, to copy it or customize the installation."

ALL = (
    SAVE,
    CORRECT,
    CANCEL,
    WHAT_NOW,
    WHICH_ANSWER,
    YES,
    NO,
    SKIP,
    BACK,
    OPTIONAL,
    NOTHING_SAVED,
    REGISTERED,
    STORE_PASSPHRASE,
    RECOVERY_WARNING,
    HELP_OPTION,
    USAGE,
    OPTIONS_METAVAR,
    COMMAND_METAVAR,
    INSTALL_COMPLETION,
    SHOW_COMPLETION,
)

__all__ = ["ALL", "_"]
