"""Type stubs of the arena-recordings Python package (see ``__init__.py``)."""

import os
from typing import Any, Dict, Iterable, Iterator, List, Literal, Optional, Protocol, Union

_Source = Union[str, "os.PathLike[str]"]
_Sources = Union[_Source, Iterable[_Source]]

__version__: str

class ArrowStream(Protocol):
    """An Arrow C stream (the Arrow PyCapsule interface), read once."""

    def __arrow_c_stream__(self, requested_schema: object = None) -> object: ...
    def __arrow_c_schema__(self) -> object: ...

class RecordingError(Exception):
    """A recording, or a source, that could not be loaded.

    ``str(err)`` is the full message (file, line:column and what was expected).
    """

    kind: str
    """The error's kind, as in ``export``'s error objects (``syntax``, ``io``, ...)."""
    message: str
    """What is wrong, without the position."""
    path: Optional[str]
    """The file, when the error is about one."""
    line: Optional[int]
    """1-based line of the failure, when known."""
    column: Optional[int]
    """1-based column (in characters) of the failure, when known."""
    offset: Optional[int]
    """0-based byte offset of the failure, when known."""

class ConfigError(ValueError):
    """An eval config that cannot be used (``str(err)`` names file:line:column)."""

    path: str
    line: Optional[int]
    column: Optional[int]
    message: str

class LineIterator(Iterator[Dict[str, Any]]):
    """Objects computed ahead by a background, parallel run over a corpus.

    The GIL is released while the workers load; at most a bounded number of
    results wait, so memory stays bounded by the corpus's largest files.
    Ctrl-C (KeyboardInterrupt) stops the run; so does :meth:`close` or
    dropping the iterator.
    """

    def __iter__(self) -> "LineIterator": ...
    def __next__(self) -> Dict[str, Any]: ...
    def close(self) -> None:
        """Stops the run now; the iterator then ends."""
    @property
    def count(self) -> int:
        """How many objects have been handed out so far."""

def references(sources: _Sources, type_hint: Optional[str] = None) -> List[Dict[str, str]]:
    """The references ``sources`` expand to: the ``arena-recordings ls --format json``
    objects (``id``, ``source``, ``type_hint``), in order: one per recording, so a
    file that holds many (a JSON Lines dataset, an inspect_ai log) gives one per
    line or sample (``path#L7``, ...). Only such files are read, so this is the
    cheap way to list recordings and share them among workers."""

def load(path: _Source, type_hint: Optional[str] = None) -> Dict[str, Any]:
    """Loads one file: the object ``arena-recordings export`` writes for it.

    Keys: ``id``, ``source``, ``type_hint``, ``messages``, ``metadata`` and,
    when there are some, ``warnings``. ``type_hint`` forces a format
    (``session``, ``arena``, ``transcript``, ...). Raises
    :class:`RecordingError` when the file does not load, and ``ValueError``
    when ``path`` expands to more than one file.
    """

def export(
    sources: _Sources, type_hint: Optional[str] = None, threads: Optional[int] = None
) -> LineIterator:
    """Every reference of ``sources``, as the objects ``arena-recordings export``
    writes, in the same order.

    A reference that fails to load is an object with an ``error`` member
    (``kind``, ``message``, ``line``, ``column``, ``offset``), never an
    exception. ``threads`` defaults to one per core. Raises
    :class:`RecordingError` when a source matches nothing.
    """

def scan(
    sources: _Sources, type_hint: Optional[str] = None, threads: Optional[int] = None
) -> Dict[str, Any]:
    """Loads everything and returns the ``arena-recordings scan --format json``
    object: counts (files, loaded, failed, messages, tool calls, bytes),
    messages by role, per-format counts, the first errors and warnings, and
    the throughput."""

def to_arrow(
    sources: _Sources,
    table: Literal["recordings", "messages", "tool_calls"] = "messages",
    type_hint: Optional[str] = None,
    threads: Optional[int] = None,
) -> ArrowStream:
    """One table of ``sources`` as an Arrow stream (``__arrow_c_stream__``).

    ``pyarrow.table(x)``, ``pyarrow.RecordBatchReader.from_stream(x)``,
    ``polars.from_arrow(x)`` and DuckDB read it; it can be read once.
    Files are loaded in parallel while the stream is read; batches hold
    about 8192 rows. A file that fails to load is a ``recordings`` row with
    ``error_kind`` and ``error_message`` set. The columns are documented in
    the repository's README ("Arrow tables").
    """

def evaluate(
    config: _Source,
    sources: Optional[_Sources] = None,
    threads: Optional[int] = None,
    skip_judges: bool = False,
) -> LineIterator:
    """Runs a PromptKit Eval config over ``sources`` (else the config's
    ``recording.path``): the ``arena-recordings eval --format jsonl`` objects,
    one per recording, in order (``id``, ``eval_id``, ``passed``, ``results``;
    ``error`` for a recording that did not load). Raises :class:`ConfigError`
    for a config that cannot be used."""
