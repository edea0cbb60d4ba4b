"""The command line's argument parser: every error is one line (no usage block), and ``--help`` ends with
examples."""

from __future__ import annotations

import argparse


class Parser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` whose errors are one line, ``PROG: message (see PROG --help)``, exit 2."""

    def __init__(self, *args, examples: tuple[str, ...] = (), **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        if examples:
            kwargs["epilog"] = "examples:\n" + "\n".join(f"  {line}" for line in examples)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")
