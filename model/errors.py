"""The one exception type of the model, and the two kinds of bad input it reports."""

from __future__ import annotations

from enum import Enum


class ErrorKind(Enum):
    """What is wrong with an argument, in Excel's own vocabulary.

    ``VALUE`` — the argument has the wrong type or shape (text, a boolean, a
    missing value, ranges of different sizes): Excel shows ``#VALUE!``.
    ``NUM`` — the argument is a number outside the function's domain
    (negative amount, gross above the programme maximum, NaN, infinity):
    Excel shows ``#NUM!``.
    """

    VALUE = "#VALUE!"
    NUM = "#NUM!"


class CEOModelError(ValueError):
    """Bad input to a CEO Model function.

    Attributes
    ----------
    argument : str
        Name of the offending argument, as the function's signature spells it.
    rule : str
        The rule the argument broke, in words a modeller understands.
    kind : ErrorKind
        Whether Excel should show ``#VALUE!`` or ``#NUM!``.
    position : tuple[int, ...] or None
        1-based position of the first offending element when the argument is a
        range: ``(row, column)`` for a 2-D range, ``(item,)`` for a 1-D one.
    """

    def __init__(
        self,
        argument: str,
        rule: str,
        kind: ErrorKind = ErrorKind.VALUE,
        position: tuple[int, ...] | None = None,
    ) -> None:
        self.argument = argument
        self.rule = rule
        self.kind = kind
        self.position = position
        super().__init__(self._message())

    def _message(self) -> str:
        where = ""
        if self.position is not None:
            if len(self.position) == 2:
                where = f" at row {self.position[0]}, column {self.position[1]}"
            else:
                where = f" at item {self.position[0]}"
        return f"{self.argument}{where}: {self.rule}"
