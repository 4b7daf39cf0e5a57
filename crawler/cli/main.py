"""The `portalcheck` command line: one module per command in crawler/cli/commands/.

Each command module defines `register(subparsers)` (adding its parser, whose
`func` default is its `run(args) -> int`). Help and messages are Vietnamese
unless `--lang en` (or PORTALCHECK_LANG=en) is given.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sqlite3
import sys
import traceback

from crawler import __version__
from crawler.cli import commands
from crawler.cli.i18n import set_lang, t


def _lang_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


# argparse's own words ("usage:", "options:", errors) come from gettext with no
# Vietnamese catalogue; argparse looks `_` up in its module at call time, so a
# small table is enough to make the whole help Vietnamese.
_ARGPARSE_WORDS = ("usage: ", "options", "show this help message and exit",
                   "positional arguments", "the following arguments are required: %s",
                   "unrecognized arguments: %s", "invalid choice: %(value)r (choose from %(choices)s)",
                   "expected one argument", "invalid %(type)s value: %(value)r",
                   "%(prog)s: error: %(message)s\n", "show program's version number and exit")


def _translate_argparse() -> None:
    def translate(text):
        if not isinstance(text, str):
            return text
        key = "argparse." + text.strip().rstrip(":").replace(" ", "_")[:60]
        translated = t(key)
        return text if translated == key else translated

    argparse._ = translate  # type: ignore[attr-defined]


def _accept_lang_everywhere(parser: argparse.ArgumentParser) -> None:
    """`--lang` is global: accepted after any command (and sub-command) as before it. A
    command with a `--lang` of its own (`report --lang`: the report's language) keeps it;
    the messages follow it too, as `_lang_from_argv` reads the whole command line."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in set(action.choices.values()):
                if "--lang" not in child._option_string_actions:
                    child.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS,
                                       help=t("cli.lang"))
                _accept_lang_everywhere(child)


def build_parser() -> argparse.ArgumentParser:
    _translate_argparse()
    parser = argparse.ArgumentParser(prog="portalcheck", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"portalcheck {__version__}")
    parser.add_argument("--lang", choices=("vi", "en"), default=None, help=t("cli.lang"))
    parser.add_argument("--db", dest="global_db", metavar="DB", default=None, help=t("cli.global_db"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=t("cli.commands"))
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"crawler.cli.commands.{info.name}")
        module.register(sub)
    _accept_lang_everywhere(parser)
    return parser


def _apply_global_db(args, argv: list[str]) -> str | None:
    """`portalcheck --db D COMMAND` is `portalcheck COMMAND --db D`; a `--db` after the
    command wins. A command that reads no database refuses it (a message, not a silent skip)."""
    if args.global_db is None:
        return None
    if not hasattr(args, "db"):
        return t("cli.db_not_used", command=args.command)
    after = argv[argv.index(args.command) + 1:] if args.command in argv else []
    if not any(a == "--db" or a.startswith("--db=") for a in after):
        args.db = args.global_db
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from_argv(argv)
    if lang in ("vi", "en"):
        set_lang(lang)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    refused = _apply_global_db(args, argv)
    if refused:
        print(refused, file=sys.stderr)
        return EXIT_CANNOT_RUN
    from crawler.netsafety.redact import RedactingFilter, redact

    # Python's last-resort log handler prints to stderr too: secrets masked there as well.
    logging.lastResort.addFilter(RedactingFilter())
    from crawler.orchestration import stopping

    stopping.install()   # Ctrl-C and SIGTERM: remembered even where a library swallows them
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:
        # imported here: a command that succeeds does not pay for them
        from crawler.orchestration.runs import RunIncomplete
        from results.store import DatabaseError, as_database_error

        if isinstance(exc, RunIncomplete):
            print(incomplete_message(exc), file=sys.stderr)
            return EXIT_INCOMPLETE
        # Database faults, wherever they surface: one line, exit 2.
        if isinstance(exc, (DatabaseError, sqlite3.Error)):
            fault = as_database_error(exc, getattr(args, "db", "?"))
            print(database_message(fault), file=sys.stderr)
            return EXIT_CANNOT_RUN
        # A bug: the traceback (secrets masked) and "could not run", never
        # Python's default 1, which `monitor` and `check` use for findings.
        print(redact("".join(traceback.format_exception(exc))), file=sys.stderr, end="")
        print(t("cli.internal_error", error=redact(str(exc))[:300]), file=sys.stderr)
        return EXIT_CANNOT_RUN


EXIT_CANNOT_RUN = 2
EXIT_INCOMPLETE = 3


def database_message(fault) -> str:
    """One line, in the user's language, for a database that cannot be used."""
    reason = t(f"db.reason.{fault.reason}")
    return t("db.fault", db=fault.path, reason=reason)


def incomplete_message(exc) -> str:
    reason = t(f"run.reason.{exc.reason}")
    text = t("run.incomplete", run=exc.run_id, count=exc.unfinished, reason=reason)
    if exc.mode == "sweep":
        text += "\n" + t("run.resume_hint", run=exc.run_id, db=exc.db)
    return text
