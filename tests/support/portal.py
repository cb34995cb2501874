"""Portal records shaped like the national portal's crawl (../shared/portal_catalog), for tests that
must run without ../shared: the fields and the page text (`raw_text`) with its section titles and
flattened tables, as the crawler saves them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CHANNELS_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCUMENTS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"


def portal_record(
    code: str = "1.000001",
    name: str = "Đăng ký thường trú",
    *,
    levels: str = "Cấp xã",
    field: str = "Đăng ký, quản lý cư trú",
    applicants: str = "Công dân Việt Nam",
    steps: str = "Bước 1: Chuẩn bị hồ sơ.\nBước 2: Nộp hồ sơ tại Công an xã.\nBước 3: Nhận kết quả.",
    channels: str = "Trực tiếp7 Ngày làm việcLệ phí : 20.000 Đồng (Miễn cho hộ nghèo)Nộp tại Công an xã."
                    "Trực tuyến7 Ngày làm việcMiễn phíNộp qua VNeID.",
    documents: str = "--" + DOCUMENTS_HEADER + "Tờ khai thay đổi thông tin cư trúMẫu CT01.docx1 bản chính"
                     "Giấy tờ chứng minh chỗ ở hợp pháp0 bản chính,1 bản sao",
    legal: str = LEGAL_HEADER + "Luật Cư trú68/2020/QH14Nghị định 154/2024/NĐ-CP154/2024/NĐ-CP",
    authority: str = "Công an cấp xã",
    conditions: str = "Không có thông tin",
    result: str = "Xác nhận thông tin về cư trúMã: KQ.G01.000001",
    url: str | None = None,
) -> dict[str, Any]:
    url = url or f"https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{code}"
    raw_text = (
        f"{name}Tên thủ tục{name}Mã thủ tục{code}Số quyết định1/QĐ-BCACấp thực hiện{levels}"
        f"Loại thủ tụcTTHC được giao luật quy định chi tiếtLĩnh vực{field}Đối tượng thực hiện{applicants}"
        f"Cơ quan có thẩm quyềnĐịa chỉ tiếp nhận HSCơ quan được ủy quyềnCơ quan phối hợp"
        f"Thủ tục hành chính liên quanKhông có thông tinTrình Tự Thực Hiện{steps}"
        f"Cách Thức Thực Hiện{CHANNELS_HEADER}{channels}Thành phần hồ sơ{documents}"
        f"Căn cứ pháp lý{legal}Cơ quan thực hiện{authority}Yêu cầu, điều kiện thực hiện{conditions}"
        f"Kết quả xử lý{result}Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnNộp hồ sơ"
    )
    return {
        "ma_thu_tuc": code, "detail_url": url, "formality_id": "", "ten_thu_tuc": name,
        "so_quyet_dinh": "1/QĐ-BCA", "cap_thuc_hien": levels, "loai_thu_tuc": "", "linh_vuc": field,
        "doi_tuong_thuc_hien": applicants, "co_quan_co_tham_quyen": "", "dia_chi_tiep_nhan": "",
        "co_quan_duoc_uy_quyen": "", "co_quan_phoi_hop": "", "thu_tuc_lien_quan": "Không có thông tin",
        "trinh_tu_thuc_hien": steps, "cach_thuc_thuc_hien": CHANNELS_HEADER + channels,
        "thanh_phan_ho_so": documents, "can_cu_phap_ly": legal, "co_quan_thuc_hien": authority,
        "yeu_cau_dieu_kien": conditions, "ket_qua_xu_ly": result, "raw_text": raw_text,
    }


def write_crawl(folder: Path, records: dict[str, dict[str, Any]]) -> Path:
    """Write {"ministry/code.json": record} under folder, as the crawler does; the folder."""
    for relative, record in records.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return folder
