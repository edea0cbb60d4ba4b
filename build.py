"""Write the CEO model workbooks to dist/ and print the key figures: ``python build.py --help``.

The design card's entry point; the same command as ``ceo-model build``
(:mod:`workbook.commands.build_command`). Not installed as a module: ``pip install .``
gives the ``ceo-model`` command instead.
"""

from workbook.commands.build_command import main

if __name__ == "__main__":
    raise SystemExit(main())
