"""The portal procedures to curate: names from the repository's catalog, and what the KB already has."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from pathlib import Path

from bot.catalog.tier import PORTAL
from bot.kb import load_kb
from bot.kb.draft import write_draft
from bot.report.curation import DRAFT_COMMAND, Candidate, CatalogLookup, candidates, catalog_lookup, portal_names

ASKED = Counter({"portal:1.010038": 3, "portal:1.003677": 2, "portal:1.004884": 1, "portal:9.999999": 1})


def test_names_come_from_the_catalog() -> None:
    names, problem = portal_names(ASKED)
    assert problem is None
    assert names["portal:1.010038"] == "Tách hộ"
    assert names["portal:1.003677"] == "Khai báo tạm vắng"
    assert "portal:9.999999" not in names  # not in this crawl: shown by its code


def test_without_the_catalog_codes_alone(tmp_path: Path) -> None:
    names, problem = portal_names(ASKED, tmp_path / "none.jsonl.gz")
    assert names == {}
    assert problem is not None and "none.jsonl.gz: no such file" in problem
    assert portal_names([], tmp_path / "none.jsonl.gz") == ({}, None)  # nothing to name: nothing read


def test_candidates_say_what_the_kb_has(root: Path, tmp_path: Path) -> None:
    shutil.copy(root / "procedures_kb" / "khai_sinh.yml", tmp_path)  # its related codes hold 1.004884
    write_draft("portal:1.003677", tmp_path)
    names, _ = portal_names(ASKED)
    kb = load_kb(tmp_path, log_drafts=False)
    rows = {c.procedure_id: c for c in candidates(ASKED, 10, names, kb, gone={"portal:9.999999"})}

    assert rows["portal:1.010038"] == Candidate("portal:1.010038", 3, "Tách hộ")
    assert rows["portal:1.010038"].command == "caunoi kb draft portal:1.010038"
    assert rows["portal:1.003677"].draft == "khai_bao_tam_vang.yml" and rows["portal:1.003677"].command is None
    assert rows["portal:1.004884"].curated == "khai_sinh" and rows["portal:1.004884"].command is None
    assert rows["portal:9.999999"].name is None and rows["portal:9.999999"].code == "9.999999"
    assert rows["portal:9.999999"].gone and rows["portal:9.999999"].command is None


def test_top_and_order() -> None:
    assert [c.procedure_id for c in candidates(ASKED, 2)] == ["portal:1.010038", "portal:1.003677"]
    assert DRAFT_COMMAND.format(procedure_id=PORTAL + "1.010038") == "caunoi kb draft portal:1.010038"


def test_lookup_names_and_sure_matches_remembered_until_the_file_changes(root: Path, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.jsonl.gz"
    shutil.copy(root / "catalog" / "portal_catalog.jsonl.gz", catalog)
    lookup = CatalogLookup(catalog, idle_seconds=60)
    names, problem = lookup.names(["1.010038", "9.999999"])
    assert problem is None and names == {"1.010038": "Tách hộ", "9.999999": None}  # None: not in this crawl
    matches = lookup.matches(["khai báo tạm vắng", "xin trợ cấp thất nghiệp", "thời tiết hôm nay thế nào", ""])
    assert matches == {"khai báo tạm vắng": "1.003677", "xin trợ cấp thất nghiệp": None,  # a long name, one part said
                       "thời tiết hôm nay thế nào": None, "": None}
    assert lookup.loaded
    lookup._catalog = lookup._search = None  # as after IDLE_SECONDS: what was found is still known, unread
    assert lookup.names(["1.010038"]) == ({"1.010038": "Tách hộ"}, None)
    assert lookup.matches(["khai báo tạm vắng"]) == {"khai báo tạm vắng": "1.003677"} and not lookup.loaded

    catalog.write_bytes(b"not gzip")  # a re-import gone wrong: nothing remembered is trusted
    names, problem = lookup.names(["1.010038"])
    assert names == {} and problem is not None and "not a readable gzip file" in problem
    assert lookup.matches(["khai báo tạm vắng"]) == {}
    catalog.unlink()
    assert "no such file" in (lookup.names(["1.010038"])[1] or "")


def test_lookup_lets_the_catalog_go_when_idle(root: Path) -> None:
    lookup = CatalogLookup(root / "catalog" / "portal_catalog.jsonl.gz", idle_seconds=0.2)
    assert lookup.names(["1.010038"])[0] == {"1.010038": "Tách hộ"} and lookup.loaded
    deadline = time.monotonic() + 10
    while lookup.loaded and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not lookup.loaded
    assert lookup.names(["1.010038"])[0] == {"1.010038": "Tách hộ"}
    assert catalog_lookup() is catalog_lookup()  # one a process
