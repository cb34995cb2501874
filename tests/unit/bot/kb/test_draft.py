"""`caunoi kb draft`: entries prefilled from real records of the repository's catalog file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.catalog.model import CatalogRecord, Channel
from bot.catalog.store import catalog_path, read_catalog
from bot.catalog.tier import PORTAL
from bot.kb.draft import DraftError, parse_ref, render_draft, slug, write_draft
from bot.kb.draft_check import TODO, check_draft
from bot.kb.validate import procedure_from_mapping

TACH_HO = "1.010038"  # commune police: three papers with copies and forms, a different fee per channel
GIAM_HO = "1.004837"  # commune civil status: papers to hand in and papers to show, free
TAM_VANG = "1.003677"  # commune police: no fee given, two online times


@pytest.fixture(scope="module")
def records() -> dict[str, CatalogRecord]:
    catalog = read_catalog(catalog_path())
    return {code: catalog.get(code) for code in (TACH_HO, GIAM_HO, TAM_VANG)}


def _draft(tmp_path: Path, code: str, **kwargs: Any) -> dict[str, Any]:
    written = write_draft(f"{PORTAL}{code}", tmp_path, **kwargs)
    return yaml.safe_load(written.path.read_text(encoding="utf-8"))


def test_slug_is_short_ascii_snake_case() -> None:
    assert slug("Tách hộ") == "tach_ho"
    assert slug("Thủ tục đăng ký khai sinh lưu động") == "dang_ky_khai_sinh_luu_dong"  # "Thủ tục" adds nothing
    assert slug("Đổi Giấy phép lái xe") == "doi_giay_phep_lai_xe"  # đ is d, not dropped
    long = slug("Xác nhận về điều kiện diện tích bình quân nhà ở để đăng ký thường trú vào chỗ ở do thuê")
    assert long == "xac_nhan_ve_dieu_kien_dien_tich_binh" and len(long) <= 40
    # cut at a word, never after a connecting word; judged with diacritics: "khí" (gas) is no "khi" (when)
    assert slug("Thủ tục đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới") == \
        "dang_ky_ket_hon_co_yeu_to_nuoc_ngoai"
    assert slug("Thủ tục hải quan đối với xăng dầu, hóa chất, khí chuyển tiêu thụ nội địa") == \
        "hai_quan_doi_voi_xang_dau_hoa_chat_khi"
    assert slug("2024: kê khai") == "tt_2024_ke_khai" and slug("…") == "thu_tuc"


def test_parse_ref() -> None:
    assert parse_ref("portal:1.010038") == parse_ref(" 1.010038 ") == "1.010038"
    for bad in ("tach_ho", "portal:1010038", "portal:"):
        with pytest.raises(DraftError, match="not a portal procedure") as caught:
            parse_ref(bad)
        assert caught.value.status == 2


def test_a_commune_record_with_papers_and_fees(tmp_path: Path, records: dict[str, CatalogRecord]) -> None:
    record = records[TACH_HO]
    data = _draft(tmp_path, TACH_HO)
    assert (tmp_path / "tach_ho.yml").is_file()
    assert data["draft"] is True and data["id"] == "tach_ho" and data["code"] == TACH_HO
    assert data["name"] == record.name == "Tách hộ"
    assert data["authority"] == record.competent
    assert data["who_can_apply"].startswith("Công dân Việt Nam")
    # the papers with their copies, form files and case; the portal's "Lưu ý:" is a note, not a paper
    papers = [d for d in record.documents if not (d.case or "").startswith("Lưu ý")]
    assert [(d["name"], d["copies"]) for d in data["documents"]] == [(d.name, d.copies) for d in papers]
    assert data["documents"][0]["when"] == papers[0].case.rstrip(":")
    assert data["documents"][0]["notes"].startswith("Biểu mẫu trên Cổng: ") and data["documents"][0]["icon"] == "form"
    assert any(c.startswith("Lưu ý trên Cổng: Việc nộp hồ sơ") for c in data["caveats"])
    assert any(c.startswith("Điều kiện theo Cổng") and record.conditions in c for c in data["caveats"])
    # fee and time per channel, unverified
    assert data["fee"]["amount"] == "Nộp trực tiếp: 10.000 đồng; nộp trực tuyến: 5.000 đồng"
    assert data["fee"]["details"] == [c.fee_note for c in record.channels]
    assert data["fee"]["confirm_at_office"] is True
    assert data["processing_time"] == {"text": "5 ngày làm việc", "confirm_at_office": True}
    assert data["online"]["available"] is True and data["online"]["channels"] == ["dvcqg"]
    assert data["steps"][0] == "Cá nhân, tổ chức chuẩn bị hồ sơ theo quy định của pháp luật."  # "Bước 1:" dropped
    assert len(data["steps"]) == len(record.steps)
    assert "Luật Cư trú 2020 (68/2020/QH14)" in data["legal_basis"]
    assert data["sources"] == [{
        "ref": "S1", "title": f"Cổng Dịch vụ công quốc gia, thủ tục {TACH_HO}, bản thu thập {record.crawled}",
        "url": record.url, "date": record.crawled,
    }]
    assert data["verified_on"] is None  # only staff who checked it fill it
    for key in ("short_name", "button", "summary"):
        assert data[key].startswith(f"{TODO}:"), key
    assert data["aliases"][0].startswith(f"{TODO}:") and data["minority_notes"][0].startswith(f"{TODO}:")


def test_papers_to_show_and_a_free_procedure(tmp_path: Path, records: dict[str, CatalogRecord]) -> None:
    record = records[GIAM_HO]
    data = _draft(tmp_path, GIAM_HO)
    assert data["id"] == "dang_ky_giam_ho"
    shown = [d.name for d in record.documents if "xuất trình" in (d.case or "") and "nộp" not in d.case]
    assert shown and data["bring_to_show"] == shown
    assert not {d["name"] for d in data["documents"]} & set(shown)
    assert data["fee"]["amount"] == "Miễn phí"
    assert data["fee"]["details"] == list(dict.fromkeys(c.fee_note for c in record.channels if c.fee_note))
    assert data["processing_time"]["text"] == "3 ngày làm việc"


def test_what_the_portal_does_not_give_is_a_placeholder(tmp_path: Path, records: dict[str, CatalogRecord]) -> None:
    assert all(c.fee is None for c in records[TAM_VANG].channels)
    written = write_draft(f"{PORTAL}{TAM_VANG}", tmp_path)
    data = yaml.safe_load(written.path.read_text(encoding="utf-8"))
    assert data["fee"]["amount"].startswith(f"{TODO}: Cổng không ghi lệ phí")  # never a guessed fee
    assert data["processing_time"]["text"] == "Nộp trực tuyến: 1 ngày làm việc hoặc 2 ngày làm việc"
    assert "fee.amount" in written.check.todo


def test_a_record_with_gaps(tmp_path: Path) -> None:
    """A fee given for one channel only, no papers, steps or result: each gap is a TODO, never a guess."""
    record = CatalogRecord(code="1.999998", name="Thủ tục thử", url="", channels=(
        Channel("in_person", "3 ngày làm việc", "10.000 đồng"), Channel("online", "3 ngày làm việc", None)))
    data = yaml.safe_load(render_draft(record, "thu"))
    assert data["fee"]["amount"] == f"Nộp trực tiếp: 10.000 đồng; nộp trực tuyến: {TODO}: Cổng không ghi"
    assert data["processing_time"]["text"] == "3 ngày làm việc"
    assert data["documents"][0]["name"].startswith(TODO) and data["steps"][0].startswith(TODO)
    assert "url" not in data["sources"][0] and "date" not in data["sources"][0]
    todo = check_draft(data, "thu.yml").todo
    assert {"fee.amount", "documents[0].name", "documents[0].copies", "steps", "result", "legal_basis",
            "authority"} <= set(todo)


def test_a_finished_draft_is_a_valid_entry(tmp_path: Path) -> None:
    """What staff do: write the placeholders, shorten the portal's text, date it, delete the marker."""
    data = _draft(tmp_path, TACH_HO)
    assert procedure_from_mapping(data, "tach_ho")[0] is None  # as drafted, not an entry
    del data["draft"]
    data.update(short_name="tách hộ", button="Tách hộ", summary="Tách ra một hộ mới ở cùng chỗ ở.",
                aliases=["tách hộ", "tách hộ khẩu", "tách sổ hộ khẩu", "ra hộ riêng", "lập hộ mới"],
                situations=["con trai lấy vợ muốn ra hộ riêng"], where="Công an xã nơi bạn ở.",
                minority_notes=[], verified_on="2026-12-08")
    for document in data["documents"]:
        document["name"] = document["name"][:140]
    data["steps"] = [step[:220] for step in data["steps"]]
    procedure, errors = procedure_from_mapping(data, "tach_ho")
    assert errors == [] and procedure is not None
    assert procedure.fee.confirm_at_office and procedure.processing_time.confirm_at_office


def test_an_existing_file_is_never_overwritten_without_force(tmp_path: Path) -> None:
    first = write_draft(f"{PORTAL}{TACH_HO}", tmp_path).path
    first.write_text(first.read_text(encoding="utf-8") + "# staff's edits\n", encoding="utf-8")
    with pytest.raises(DraftError, match="already exists") as caught:
        write_draft(f"{PORTAL}{TACH_HO}", tmp_path)
    assert caught.value.status == 1 and "staff's edits" in first.read_text(encoding="utf-8")
    write_draft(f"{PORTAL}{TACH_HO}", tmp_path, force=True)
    assert "staff's edits" not in first.read_text(encoding="utf-8")
    other = write_draft(f"{PORTAL}{TACH_HO}", tmp_path, procedure_id="tach_ho_gia_dinh").path
    assert other.name == "tach_ho_gia_dinh.yml"


def test_a_curated_entry_is_never_replaced(tmp_path: Path, root: Path) -> None:
    shutil.copy(root / "procedures_kb" / "tam_tru.yml", tmp_path)
    before = (tmp_path / "tam_tru.yml").read_text(encoding="utf-8")
    with pytest.raises(DraftError, match="exists and is not a draft"):
        write_draft(f"{PORTAL}{TACH_HO}", tmp_path, procedure_id="tam_tru", force=True)
    assert (tmp_path / "tam_tru.yml").read_text(encoding="utf-8") == before
    # nor drafted again: its code (and related codes) are answered from the KB already
    with pytest.raises(DraftError, match="already curated"):
        write_draft(f"{PORTAL}1.002755", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tam_tru.yml"]


def test_unknown_code_missing_catalog_and_bad_id(tmp_path: Path) -> None:
    with pytest.raises(DraftError, match=r"no procedure 9\.999999 in the national catalog") as caught:
        write_draft("portal:9.999999", tmp_path)
    assert caught.value.status == 2
    with pytest.raises(DraftError, match="cannot read the national catalog: .*none.jsonl.gz: no such file") as caught:
        write_draft(f"{PORTAL}{TACH_HO}", tmp_path, catalog_file=tmp_path / "none.jsonl.gz")
    assert caught.value.status == 2
    with pytest.raises(DraftError, match="--id 'Tach-Ho'") as caught:
        write_draft(f"{PORTAL}{TACH_HO}", tmp_path, procedure_id="Tach-Ho")
    assert caught.value.status == 2
    with pytest.raises(DraftError, match="no such knowledge-base folder"):
        write_draft(f"{PORTAL}{TACH_HO}", tmp_path / "missing")
    assert list(tmp_path.iterdir()) == []
