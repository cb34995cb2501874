"""Property tests of the knowledge-base loader: random YAML text, random bytes and mutated copies of a
real entry, written next to a good entry. `load_kb` never raises, every problem names a file it was
given and a field, and the good entry is always loaded."""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kb import load_kb
from tests.support.fuzz import key_paths
from tests.support.paths import ROOT

GOOD_FILE = ROOT / "procedures_kb" / "khai_sinh.yml"
GOOD = yaml.safe_load(GOOD_FILE.read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
    st.dates(), st.datetimes(), st.just(""), st.just("   "), st.text(min_size=500, max_size=2000),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.one_of(st.text(max_size=10), st.integers()), inner, max_size=5),
), max_leaves=15)
YAML_SNIPPETS = st.sampled_from([
    "id: x\nverified_on: 2024-13-45\n", "code: !!int x\n", "a: !!timestamp x\n", "a: !!float x\n",
    "a: !!binary '%%%'\n", "? [a]\n: 1\n", "a: &x [*x]\n", "a: !!python/object:os.system x\n", "\x00",
    "[" * 1500 + "]" * 1500, "- a\n- b\n", "42", "~", "", "---\na: 1\n---\nb: 2\n", "id: [unclosed\n",
    "\ufeffid: bom\n", "a:\n\tb: tab\n", "{a: 1, a: 2}\n", "<<: *nope\n", "a: !!set {x, y}\n",
])


PATHS = key_paths(GOOD)


@st.composite
def mutated_entries(draw: st.DrawFn, touched: set[str] | None = None) -> Any:
    """A copy of the good entry with 1-6 fields deleted or replaced; `touched` collects their top-level keys."""
    entry = copy.deepcopy(GOOD)
    for _ in range(draw(st.integers(1, 6))):
        path = draw(st.sampled_from(PATHS))
        if touched is not None:
            touched.add(str(path[0]))
        parent = entry
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    if draw(st.integers(0, 9)) == 0:
        entry = draw(VALUES)  # the whole entry replaced, often not even a mapping
        if touched is not None:
            touched.add("*")
    return entry


def _dump(entry: Any) -> str:
    return yaml.safe_dump(entry, allow_unicode=True, sort_keys=False)


FILES = st.one_of(
    mutated_entries().map(lambda e: ("text", _dump(e))),
    YAML_SNIPPETS.map(lambda t: ("text", t)),
    st.text(max_size=300).map(lambda t: ("text", t)),
    st.binary(max_size=300).map(lambda b: ("bytes", b)),
    st.just(("folder", None)),
)


def _check(folder: Path, written: set[str]) -> None:
    kb = load_kb(folder)
    assert "khai_sinh" in kb.ids, [str(e) for e in kb.errors]
    assert kb.procedures["khai_sinh"].name == GOOD["name"]
    for error in kb.errors:
        assert error.file in written, str(error)
        assert error.field and error.message, str(error)
        assert str(error).startswith(f"{error.file}: ")


@SETTINGS
@given(st.lists(FILES, min_size=1, max_size=4))
def test_bad_files_are_reported_and_never_take_the_good_one_down(files: list[tuple[str, Any]]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kbfuzz-"))
    try:
        shutil.copy(GOOD_FILE, folder / "khai_sinh.yml")
        written = {"khai_sinh.yml"}
        for index, (kind, content) in enumerate(files):
            name = f"zz_mutant_{index}.yml"
            written.add(name)
            if kind == "folder":
                (folder / name).mkdir()
            elif kind == "bytes":
                (folder / name).write_bytes(content)
            else:
                (folder / name).write_text(content, encoding="utf-8", errors="surrogatepass")
        _check(folder, written)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@SETTINGS
@given(st.data())
def test_a_mutated_entry_names_the_mutated_fields(data: st.DataObject) -> None:
    touched: set[str] = set()
    entry = data.draw(mutated_entries(touched))
    folder = Path(tempfile.mkdtemp(prefix="kbfuzz-"))
    try:
        (folder / "khai_sinh.yml").write_text(_dump(entry), encoding="utf-8")
        kb = load_kb(folder)
        assert all(e.file == "khai_sinh.yml" for e in kb.errors)
        if not isinstance(entry, dict):
            assert [e.field for e in kb.errors] == ["(top level)"]
            return
        if not kb.errors:
            assert kb.ids == ["khai_sinh"]  # the mutations happened to keep a valid entry
        for error in kb.errors if "*" not in touched else ():
            top = re.split(r"[.\[]", error.field, maxsplit=1)[0]
            assert top in touched, (str(error), touched)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_yaml_values_python_cannot_build_are_errors_of_that_file(tmp_path: Path) -> None:
    shutil.copy(GOOD_FILE, tmp_path / "khai_sinh.yml")
    (tmp_path / "bad_date.yml").write_text("id: bad_date\nverified_on: 2024-13-45\n", encoding="utf-8")
    (tmp_path / "bad_tag.yml").write_text("code: !!int x\n", encoding="utf-8")
    (tmp_path / "folder.yml").mkdir()
    kb = load_kb(tmp_path)
    assert kb.ids == ["khai_sinh"]
    assert {e.file for e in kb.errors} == {"bad_date.yml", "bad_tag.yml", "folder.yml"}
    assert all(e.field == "(file)" for e in kb.errors)

