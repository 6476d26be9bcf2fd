"""The Python API against the CLI and the spec of issue 14."""

import json
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import arena_recordings as ar

from conftest import CORPUS, REPO

SAMPLE = "corpus/sample"
INVALID = "corpus/invalid"


def cli_lines(cli, *args):
    r = cli(*args)
    assert r.returncode in (0, 3, 4), r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


# ---- export -------------------------------------------------------------------


def test_export_equals_cli_on_the_sample_corpus(cli, in_repo):
    want = cli_lines(cli, "export", SAMPLE)
    got = list(ar.export(SAMPLE))
    assert len(want) > 5
    assert got == want


def test_export_equals_cli_with_errors_in_order(cli, in_repo):
    want = cli_lines(cli, "export", SAMPLE, INVALID)
    got = list(ar.export([SAMPLE, pathlib.Path(INVALID)], threads=2))
    assert got == want
    errors = [o for o in got if "error" in o]
    assert len(errors) >= 10
    for o in errors:
        assert set(o["error"]) == {"kind", "message", "line", "column", "offset"}
        assert "messages" not in o


def test_export_type_hint_and_threads_match_cli(cli, in_repo):
    want = cli_lines(cli, "export", "corpus/sample/session", "--type", "session", "-j", "1")
    assert list(ar.export("corpus/sample/session", type_hint="session", threads=1)) == want


def test_export_iterator_counts_and_closes(in_repo):
    it = ar.export(SAMPLE)
    first = next(it)
    assert "id" in first and it.count == 1
    it.close()
    assert list(it) == []


def test_export_iterator_shared_between_threads(in_repo):
    # Another thread reading or closing the iterator never deadlocks.
    it = ar.export(SAMPLE, threads=1)
    got = []
    errors = []

    def read():
        try:
            for o in it:
                got.append(o["id"])
        except RuntimeError as e:
            errors.append(str(e))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert all("another thread" in e for e in errors)
    # One of the threads always holds the iterator until it ends: nothing is lost.
    want = [r["id"] for r in ar.references(SAMPLE)]
    assert sorted(got) == sorted(want)
    it.close()


def test_close_from_another_thread_ends_the_iteration(in_repo):
    it = ar.export(SAMPLE, threads=1)
    next(it)
    t = threading.Thread(target=it.close)
    t.start()
    t.join(timeout=60)
    assert list(it) == []


def test_export_bad_sources():
    with pytest.raises(ar.RecordingError) as e:
        ar.export("/nonexistent/nothing-here")
    assert "/nonexistent/nothing-here" in str(e.value)
    with pytest.raises(TypeError):
        ar.export(42)
    with pytest.raises(TypeError):
        ar.export([SAMPLE, 42])


def test_export_public_examples_match_cli(cli):
    examples = REPO.parent / "shared" / "spec" / "examples"
    if not examples.is_dir():
        pytest.skip("../shared/spec/examples is not on this machine")
    files = sorted(str(p) for p in examples.glob("*.json"))
    assert files
    want = cli_lines(cli, "export", *files)
    assert list(ar.export(files)) == want


# ---- references ---------------------------------------------------------------


def test_references_equal_ls(cli, in_repo):
    want = cli_lines(cli, "ls", SAMPLE, INVALID, "--format", "json")
    assert ar.references([SAMPLE, INVALID]) == want
    assert ar.references(SAMPLE, type_hint="session") == cli_lines(cli, "ls", SAMPLE, "--type", "session", "--format", "json")


def test_files_of_many_recordings_give_one_reference_each(cli, in_repo):
    path = "corpus/sample/openai/chat.jsonl"
    refs = ar.references(path)
    assert [r["id"] for r in refs] == [f"{path}#L{n}" for n in (1, 2, 3)]
    assert {r["type_hint"] for r in refs} == {"openai_chat"}
    assert [o["id"] for o in ar.export(path)] == [r["id"] for r in refs]
    # `load` takes one recording: a file of three is an error that says so.
    with pytest.raises(ValueError, match="holds 3"):
        ar.load(path)


# ---- load ---------------------------------------------------------------------


def test_load_equals_the_export_object(cli, in_repo):
    path = "corpus/sample/session/travel-booking.recording.json"
    (want,) = cli_lines(cli, "export", path)
    got = ar.load(path)
    assert got == want
    assert got["messages"][0]["role"] == "user"
    assert ar.load(pathlib.Path(path)) == want


def test_load_error_carries_kind_path_and_position(in_repo):
    path = "corpus/invalid/syntax@13__trailing-comma.arena.json"
    with pytest.raises(ar.RecordingError) as e:
        ar.load(path)
    err = e.value
    assert err.kind == "syntax"
    assert err.path == path
    assert err.offset == 13
    assert err.line >= 1 and err.column >= 1
    assert path in str(err) and err.message in str(err)


def test_load_error_matches_the_export_error_object(cli, in_repo):
    path = "corpus/invalid/syntax@255__truncated-mid-message.arena.json"
    (obj,) = cli_lines(cli, "export", path)
    with pytest.raises(ar.RecordingError) as e:
        ar.load(path)
    want = obj["error"]
    got = {k: getattr(e.value, k) for k in ("kind", "message", "line", "column", "offset")}
    assert got == want


def test_load_refuses_several_files(in_repo):
    with pytest.raises(ValueError, match="export"):
        ar.load(SAMPLE)


def test_load_missing_file():
    with pytest.raises(ar.RecordingError) as e:
        ar.load("/nonexistent/file.recording.json")
    assert e.value.path is None or "nonexistent" in e.value.path


# ---- scan ---------------------------------------------------------------------


def test_scan_equals_cli_except_timings(cli, in_repo):
    r = cli("scan", SAMPLE, INVALID, "--format", "json")
    assert r.returncode == 3, r.stderr
    want = json.loads(r.stdout)
    got = ar.scan([SAMPLE, INVALID])
    for k in ("seconds", "mb_per_s", "files_per_s", "threads"):
        want.pop(k)
        got.pop(k)
    assert got == want
    assert got["failed"] > 0 and got["loaded"] > 0


# ---- to_arrow -----------------------------------------------------------------


def test_to_arrow_with_pyarrow(cli, in_repo):
    pa = pytest.importorskip("pyarrow")
    exported = cli_lines(cli, "export", SAMPLE, INVALID)
    recordings = pa.table(ar.to_arrow([SAMPLE, INVALID], table="recordings"))
    assert recordings.num_rows == len(exported)
    assert recordings.column("id").to_pylist() == [o["id"] for o in exported]
    failed = [o["id"] for o in exported if "error" in o]
    kinds = recordings.column("error_kind").to_pylist()
    assert [i for i, k in zip(recordings.column("id").to_pylist(), kinds) if k is not None] == failed

    messages = pa.table(ar.to_arrow(SAMPLE, table="messages"))
    want_roles = [m["role"] for o in exported if "messages" in o for m in o["messages"]]
    assert messages.column("role").to_pylist() == want_roles
    assert messages.column("message_index").to_pylist()[0] == 0

    calls = pa.table(ar.to_arrow(SAMPLE, table="tool_calls"))
    want_calls = [c["name"] for o in exported if "messages" in o for m in o["messages"] for c in m.get("tool_calls") or []]
    assert calls.column("name").to_pylist() == want_calls


def test_to_arrow_is_a_stream_read_once(in_repo):
    pa = pytest.importorskip("pyarrow")
    s = ar.to_arrow(SAMPLE)
    reader = pa.RecordBatchReader.from_stream(s)
    assert reader.schema.names[:3] == ["recording_id", "message_index", "role"]
    rows = sum(b.num_rows for b in reader)
    assert rows > 0
    with pytest.raises(Exception):
        pa.table(s)


def test_to_arrow_with_polars(cli, in_repo):
    pl = pytest.importorskip("polars")
    df = pl.DataFrame(ar.to_arrow(SAMPLE, table="messages"))
    exported = cli_lines(cli, "export", SAMPLE)
    # polars.from_arrow takes the stream too: a DataFrame (polars 1) or a
    # struct Series of the rows (polars 2), the same data either way.
    other = pl.from_arrow(ar.to_arrow(SAMPLE, table="messages"))
    if isinstance(other, pl.Series):
        other = other.struct.unnest()
    assert other.equals(df)
    assert df.height == sum(len(o["messages"]) for o in exported)
    by_role = dict(df.group_by("role").len().iter_rows())
    want = {}
    for o in exported:
        for m in o["messages"]:
            want[m["role"]] = want.get(m["role"], 0) + 1
    assert by_role == want


def test_to_arrow_with_duckdb(cli, in_repo):
    duckdb = pytest.importorskip("duckdb")
    stream = ar.to_arrow([SAMPLE, INVALID], table="recordings")
    con = duckdb.connect()
    con.register("recordings", stream)
    (failed,) = con.execute("SELECT count(*) FROM recordings WHERE error_kind IS NOT NULL").fetchone()
    want = sum(1 for o in cli_lines(cli, "export", SAMPLE, INVALID) if "error" in o)
    assert failed == want > 0


def test_to_arrow_bad_table():
    with pytest.raises(ValueError, match="tool_calls"):
        ar.to_arrow(SAMPLE, table="nope")


# ---- evaluate -----------------------------------------------------------------


def test_evaluate_equals_cli(cli, in_repo):
    config = "corpus/eval/sample.eval.yaml"
    want = cli_lines(cli, "eval", config, "--format", "jsonl")
    got = list(ar.evaluate(config))
    assert len(want) > 0
    assert got == want


def test_evaluate_with_sources_equals_cli(cli, in_repo):
    config = "corpus/eval/sample.eval.yaml"
    want = cli_lines(cli, "eval", config, SAMPLE, INVALID, "--format", "jsonl")
    got = list(ar.evaluate(config, [SAMPLE, INVALID], threads=2))
    assert got == want
    assert any("error" in o for o in got)


def test_evaluate_config_error_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.eval.yaml"
    bad.write_text("apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Eval\nspec: [1,\n")
    with pytest.raises(ar.ConfigError) as e:
        ar.evaluate(bad)
    assert str(bad) in str(e.value)
    assert e.value.line is not None and e.value.column is not None
    assert isinstance(e.value, ValueError)


# ---- interrupts ---------------------------------------------------------------


def test_ctrl_c_stops_a_long_export(tmp_path, cli):
    corpus = tmp_path / "big"
    r = cli("generate", corpus, "--files", "400", "--seed", "7")
    assert r.returncode == 0, r.stderr
    script = textwrap.dedent(
        f"""
        import sys, time
        import arena_recordings as ar
        n = 0
        try:
            for _ in ar.export({str(corpus)!r}, threads=1):
                n += 1
                if n == 1:
                    print("started", flush=True)
                time.sleep(0.01)
        except KeyboardInterrupt:
            print("interrupted", n, flush=True)
            sys.exit(0)
        print("finished", n, flush=True)
        """
    )
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    assert p.returncode == 0
    words = out.split()
    assert words[0] == "interrupted", out
    assert 0 < int(words[1]) < 400


def test_ctrl_c_while_waiting_for_the_workers(tmp_path, cli):
    # Big files on one worker: the consumer spends its time blocked in
    # __next__ (GIL released), where the interrupt must be noticed.
    corpus = tmp_path / "media"
    r = cli("generate", corpus, "--files", "40", "--seed", "3", "--media-kb", "4096", "--kinds", "session")
    assert r.returncode == 0, r.stderr
    script = textwrap.dedent(
        f"""
        import os, signal, sys, threading
        import arena_recordings as ar
        it = ar.export({str(corpus)!r}, threads=1)
        next(it)
        threading.Timer(0.02, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        n = 1
        try:
            for _ in it:
                n += 1
        except KeyboardInterrupt:
            print("interrupted", n, flush=True)
            sys.exit(0)
        print("finished", n, flush=True)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    word, n = out.stdout.split()
    assert word == "interrupted", out.stdout
    assert int(n) < 40
