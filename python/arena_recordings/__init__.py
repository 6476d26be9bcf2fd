"""The arena-recordings engine for Python.

Loads recorded LLM conversations (PromptKit Arena session recordings, Arena
run output, transcripts, and every other format the engine registers) fast,
in parallel and with bounded memory, and hands them out as

* dictionaries: :func:`references` (what ``ls`` lists), :func:`load`, :func:`export` (exactly the objects
  ``arena-recordings export`` writes), :func:`scan` (the
  ``scan --format json`` report), :func:`evaluate` (the
  ``eval --format jsonl`` objects of a PromptKit Eval config);
* Arrow streams: :func:`to_arrow` (the ``recordings``, ``messages`` and
  ``tool_calls`` tables), which ``pyarrow.table``, ``polars.from_arrow`` and
  DuckDB read through the Arrow PyCapsule interface without copies.

A *source* is a file, a directory (walked recursively) or a glob pattern
(``**`` matches any number of directories); a function that takes
``sources`` takes one source or an iterable of them (``str`` or
``os.PathLike``).
"""

from ._native import (
    ConfigError,
    LineIterator,
    RecordingError,
    __version__,
    evaluate,
    export,
    load,
    references,
    scan,
    to_arrow,
)

__all__ = [
    "ConfigError",
    "LineIterator",
    "RecordingError",
    "__version__",
    "evaluate",
    "export",
    "load",
    "references",
    "scan",
    "to_arrow",
]
