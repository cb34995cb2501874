"""Everyday words for the national catalog's official terms: how villagers name a procedure, mapped to
the words the portal's procedure names use. A reviewed table, not guesses: an entry goes in only when
the everyday word means that official thing in a question about a procedure.

The query keeps its own words and gains the official ones ("làm sổ đỏ" also searches "giấy chứng
nhận quyền sử dụng đất"), so a word the table does not know still counts.
"""

from __future__ import annotations

from bot.nlu.normalize import normalize_folded

# everyday phrase (with diacritics, for reading) → official words added to the search
EVERYDAY: dict[str, str] = {
    # land and houses
    "sổ đỏ": "giấy chứng nhận quyền sử dụng đất",
    "sổ hồng": "giấy chứng nhận quyền sở hữu nhà ở quyền sử dụng đất",
    "bìa đỏ": "giấy chứng nhận quyền sử dụng đất",
    "làm sổ": "cấp giấy chứng nhận quyền sử dụng đất",
    "sang tên": "chuyển nhượng đăng ký biến động",
    "tách thửa": "tách thửa đất",
    "giấy phép xây nhà": "giấy phép xây dựng nhà ở",
    "xin phép xây nhà": "giấy phép xây dựng nhà ở",
    "xây nhà": "xây dựng nhà ở",
    "cho đất": "tặng cho quyền sử dụng đất",
    "tranh chấp đất": "tranh chấp đất đai",
    "lấn đất": "tranh chấp đất đai",
    # land: a new use (the commune's "giao đất, cho thuê đất, chuyển mục đích sử dụng đất"), crops on rice land
    "sang đất ở": "giao đất chuyển mục đích sử dụng đất",
    "sang trồng cây": "chuyển đổi cơ cấu cây trồng",
    # land: mortgages, gifts, inheritance
    "thế chấp sổ đỏ": "biện pháp bảo đảm quyền sử dụng đất",
    "thế chấp đất": "biện pháp bảo đảm quyền sử dụng đất",
    "xóa thế chấp": "xóa đăng ký biện pháp bảo đảm quyền sử dụng đất",
    "giải chấp": "xóa đăng ký biện pháp bảo đảm quyền sử dụng đất",
    "tặng đất": "đăng ký biến động tặng cho quyền sử dụng đất",
    "cho con đất": "đăng ký biến động tặng cho quyền sử dụng đất",
    "chia thừa kế": "văn bản phân chia di sản",
    "chia đất thừa kế": "văn bản phân chia di sản",
    "từ chối nhận thừa kế": "văn bản từ chối nhận di sản",
    # land: the certificate itself (renewed, lost, wrong) and the plot
    "đổi sổ đỏ": "cấp đổi giấy chứng nhận quyền sử dụng đất",
    "sổ đỏ bị rách": "cấp đổi giấy chứng nhận quyền sử dụng đất",
    "mất sổ đỏ": "cấp lại giấy chứng nhận bị mất",
    "sổ đỏ ghi sai": "đính chính giấy chứng nhận",
    "tách sổ đỏ": "tách thửa đất",
    "gộp thửa": "hợp thửa đất",
    # land: swapping fields, giving a strip for the village road, more land than the certificate says
    "đổi ruộng": "đăng ký biến động chuyển đổi quyền sử dụng đất nông nghiệp",
    "hiến đất": "tặng cho quyền sử dụng đất nhà nước cộng đồng dân cư mở rộng đường giao thông",
    "cho đất làm đường": "tặng cho quyền sử dụng đất nhà nước cộng đồng dân cư mở rộng đường giao thông",
    "góp đất làm đường": "tặng cho quyền sử dụng đất nhà nước cộng đồng dân cư mở rộng đường giao thông",
    "đất dôi dư": "diện tích tăng thêm do thay đổi ranh giới",
    "diện tích dôi dư": "diện tích tăng thêm do thay đổi ranh giới",
    # land: "thổ cư" is residential land; the land-use fee left owing; the registration fee is no tax
    "lên thổ cư": "giao đất chuyển mục đích sử dụng đất",
    "chuyển thổ cư": "giao đất chuyển mục đích sử dụng đất",
    "làm nhà trên đất ruộng": "giao đất chuyển mục đích sử dụng đất",
    "nợ tiền đất": "ghi nợ tiền sử dụng đất",
    "xóa nợ tiền đất": "xóa ghi nợ tiền sử dụng đất",
    "thuế trước bạ": "lệ phí trước bạ",
    # land disputes: the commune mediates first
    "hòa giải đất": "hòa giải tranh chấp đất đai",
    "tranh chấp ranh giới": "tranh chấp đất đai",
    "lấn ranh": "tranh chấp đất đai",
    "tranh chấp lối đi": "tranh chấp đất đai",
    # building: repairs, raising a floor, moving a house; a tent on the street for a wedding or funeral
    "sửa nhà": "giấy phép xây dựng sửa chữa cải tạo",
    "nâng tầng": "giấy phép xây dựng sửa chữa cải tạo",
    "cơi nới": "giấy phép xây dựng sửa chữa cải tạo",
    "di dời nhà": "giấy phép di dời công trình",
    "dựng rạp": "sử dụng tạm thời lòng đường vỉa hè",
    # vehicles and driving
    "xe máy": "xe",
    "xe mô tô": "xe",
    "bằng lái": "giấy phép lái xe",
    "bằng lái xe": "giấy phép lái xe",
    "cà vẹt": "chứng nhận đăng ký xe",
    "cavet": "chứng nhận đăng ký xe",
    "biển số": "biển số xe",
    "giấy đăng ký xe": "chứng nhận đăng ký xe",
    "sang tên xe": "đăng ký sang tên xe",
    "mua xe cũ": "thay đổi chủ xe sang tên xe",
    "mua bán xe": "thay đổi chủ xe sang tên xe",
    "đổi chủ xe": "thay đổi chủ xe sang tên xe",
    "bán xe": "thu hồi chứng nhận đăng ký xe",  # the seller hands the papers and plate back
    "nộp lại biển": "thu hồi chứng nhận đăng ký xe biển số xe",
    "mất cà vẹt": "cấp lại chứng nhận đăng ký xe",
    "mất biển số": "cấp lại biển số xe",
    "biển số bị mờ": "đổi chứng nhận đăng ký xe biển số xe",
    "mua xe mới": "đăng ký cấp biển số xe lần đầu",
    "bấm biển": "đăng ký cấp biển số xe lần đầu",
    "thi bằng lái": "cấp giấy phép lái xe",
    "gia hạn bằng lái": "đổi giấy phép lái xe",
    "bằng lái hết hạn": "đổi giấy phép lái xe",
    "mất bằng lái": "cấp lại giấy phép lái xe",
    # family and civil status
    "nhận con": "nhận cha mẹ con",
    "nhận cha": "nhận cha mẹ con",
    "nhận bố": "nhận cha mẹ con",
    "con nuôi": "nuôi con nuôi",
    "nhận con nuôi": "nuôi con nuôi",  # not "nhận con" (nhận cha, mẹ, con)
    "nhận nuôi": "nuôi con nuôi",
    "người giám hộ": "giám hộ",
    "đỡ đầu": "giám hộ",
    "thôi giám hộ": "chấm dứt giám hộ",
    "bản sao giấy khai sinh": "cấp bản sao trích lục hộ tịch",
    # identity and papers
    "chứng minh thư": "căn cước",
    "hộ khẩu": "thường trú",
    "lý lịch": "phiếu lý lịch tư pháp",
    "hộ chiếu": "hộ chiếu phổ thông",
    "visa": "thị thực",
    # passports, border passes, foreign relatives
    "mất hộ chiếu": "trình báo mất hộ chiếu phổ thông",
    "hộ chiếu bị hủy": "khôi phục giá trị sử dụng hộ chiếu phổ thông",
    "sổ thông hành": "giấy thông hành",
    "miễn visa": "cấp giấy miễn thị thực",
    "bảo lãnh nhập cảnh": "xét duyệt nhân sự cấp phép nhập cảnh",
    # the electronic ID locked when the phone is lost (making the account is the curated answer's)
    "khóa vneid": "khóa căn cước điện tử",
    # nationality
    "bỏ quốc tịch": "thôi quốc tịch",
    "lấy lại quốc tịch": "trở lại quốc tịch",
    "xin lại quốc tịch": "trở lại quốc tịch",
    # residence notices and papers
    "báo vắng": "khai báo tạm vắng",
    "qua đêm": "thông báo lưu trú",
    "tách hộ khẩu": "tách hộ",
    "tách sổ hộ khẩu": "tách hộ",
    "tách khẩu": "tách hộ",
    "xác nhận hộ khẩu": "xác nhận thông tin về cư trú",
    "ct07": "xác nhận thông tin về cư trú",
    "xác nhận số chứng minh": "xác nhận số chứng minh nhân dân",
    # social insurance (the portal writes "TNLĐ", and "DSPHSK" for dưỡng sức, phục hồi sức khỏe)
    "rút bảo hiểm": "hưởng bảo hiểm xã hội một lần",
    "lãnh bảo hiểm một lần": "hưởng bảo hiểm xã hội một lần",
    "chuyển lương hưu": "chuyển hưởng sang địa bàn khác",
    "tiền thai sản": "chế độ thai sản",
    "nghỉ sinh": "chế độ thai sản",
    "nghỉ đẻ": "chế độ thai sản",
    "tai nạn lao động": "hưởng chế độ tnlđ",
    "dưỡng sức": "nghỉ dsphsk",
    # social insurance: survivors, the father's paternity leave, a miscarriage, occupational disease
    "tiền tuất": "hưởng chế độ tử tuất",
    "lĩnh tuất": "hưởng chế độ tử tuất",
    "chồng nghỉ vợ sinh": "hưởng chế độ thai sản",
    "nghỉ chăm vợ sinh": "hưởng chế độ thai sản",
    "sảy thai": "hưởng chế độ thai sản",
    "nghỉ khám thai": "hưởng chế độ thai sản",
    "bệnh nghề nghiệp": "hưởng chế độ tnlđ bnn lần đầu",
    "tai nạn trên đường đi làm": "hưởng chế độ tnlđ bnn lần đầu",
    "tai nạn lao động tái phát": "hưởng chế độ tnlđ bnn thương tật bệnh tật tái phát",
    # social insurance: the lump sum, a pension unpaid at death or paid into a bank account, voluntary cover
    "rút sổ bảo hiểm": "hưởng bảo hiểm xã hội một lần",
    "lĩnh bảo hiểm một lần": "hưởng bảo hiểm xã hội một lần",
    "lương hưu chưa lĩnh": "truy lĩnh lương hưu",
    "lương hưu chưa nhận": "truy lĩnh lương hưu",
    "lương hưu qua tài khoản": "lĩnh chế độ bảo hiểm xã hội bằng tài khoản cá nhân",
    "bảo hiểm tự nguyện": "đăng ký đóng bảo hiểm xã hội tự nguyện",
    # health insurance: paying the patient back (the card itself is the curated answer's)
    "hoàn tiền bảo hiểm y tế": "thanh toán trực tiếp chi phí khám chữa bệnh",
    "hoàn tiền khám bệnh": "thanh toán trực tiếp chi phí khám chữa bệnh",
    "miễn cùng chi trả": "giấy chứng nhận không cùng chi trả",
    # business and tax
    "mở quán": "đăng ký thành lập hộ kinh doanh",
    "mở tiệm": "đăng ký thành lập hộ kinh doanh",
    "buôn bán nhỏ": "hộ kinh doanh",
    "đóng cửa quán": "chấm dứt hoạt động hộ kinh doanh",
    "nghỉ bán": "chấm dứt hoạt động hộ kinh doanh",
    "không buôn bán nữa": "chấm dứt hoạt động hộ kinh doanh",
    "mở tạp hóa": "đăng ký thành lập hộ kinh doanh",
    "mở cửa hàng": "đăng ký thành lập hộ kinh doanh",
    "bán hàng online": "hộ kinh doanh",
    "tạm nghỉ bán": "tạm ngừng kinh doanh hộ kinh doanh",
    "đổi tên hộ kinh doanh": "thay đổi nội dung đăng ký hộ kinh doanh",
    "chuyển địa điểm kinh doanh": "thay đổi nội dung đăng ký hộ kinh doanh",
    "thuế khoán": "khai thuế hộ kinh doanh",
    "thuế đất": "thuế sử dụng đất",
    "thừa kế": "thừa kế",
    "mã số thuế": "mã số thuế",
    "giảm trừ gia cảnh": "đăng ký thuế người phụ thuộc",
    "thuế bán đất": "thuế tncn chuyển nhượng bất động sản",
    # justice
    "không tiền án": "phiếu lý lịch tư pháp",
    "tiền án tiền sự": "phiếu lý lịch tư pháp",
    "luật sư miễn phí": "yêu cầu trợ giúp pháp lý",
    "xin bản án": "cấp sao bản án",
    # justice: enforcing a judgment and proof it was paid, wills, free legal aid, translations
    "đòi nợ theo bản án": "yêu cầu thi hành án dân sự",
    "nộp xong án phí": "xác nhận kết quả thi hành án",
    "viết di chúc": "chứng thực di chúc",
    "tư vấn pháp luật miễn phí": "yêu cầu trợ giúp pháp lý",
    "dịch giấy tờ": "chứng thực chữ ký người dịch",
    # farming supports, social programmes
    "bảo hiểm cây trồng": "hỗ trợ phí bảo hiểm nông nghiệp",
    "bảo hiểm vật nuôi": "hỗ trợ phí bảo hiểm nông nghiệp",
    "thụ tinh nhân tạo": "phối giống nhân tạo gia súc",
    "hộ trung bình": "mức sống trung bình",
    "đi cai nghiện": "đăng ký cai nghiện ma túy tự nguyện",
    # war dead (the portal spells "liệt sỹ") and Agent Orange; social housing; drug rehab at home
    "công nhận liệt sĩ": "xét công nhận liệt sỹ cấp bằng tổ quốc ghi công",
    "gia đình liệt sĩ": "giấy chứng nhận gia đình liệt sỹ",
    "chất độc da cam": "nhiễm chất độc hóa học",
    "mua nhà xã hội": "mua nhà ở xã hội",
    "thuê nhà xã hội": "thuê nhà ở xã hội",
    "vay vốn làm nhà": "vay vốn tự xây dựng cải tạo sửa chữa nhà ở",
    "vay tiền làm nhà": "vay vốn tự xây dựng cải tạo sửa chữa nhà ở",
    "cai nghiện tại nhà": "đăng ký cai nghiện ma túy tự nguyện",
    "cai nghiện ở nhà": "đăng ký cai nghiện ma túy tự nguyện",
    # livestock: an epidemic and the culled herd, animals sold to another province, large farms
    "lợn bị dịch": "hỗ trợ cơ sở sản xuất bị thiệt hại do dịch bệnh động vật",
    "heo bị dịch": "hỗ trợ cơ sở sản xuất bị thiệt hại do dịch bệnh động vật",
    "dịch tả lợn": "hỗ trợ cơ sở sản xuất bị thiệt hại do dịch bệnh động vật",
    "dịch tả heo": "hỗ trợ cơ sở sản xuất bị thiệt hại do dịch bệnh động vật",
    "tiêu hủy lợn": "hỗ trợ cơ sở sản xuất bị thiệt hại do dịch bệnh động vật",
    "cúm gia cầm": "hỗ trợ cơ sở sản xuất bị thiệt hại do dịch bệnh động vật",
    "kiểm dịch lợn": "kiểm dịch động vật trên cạn vận chuyển ra khỏi địa bàn cấp tỉnh",
    "kiểm dịch heo": "kiểm dịch động vật trên cạn vận chuyển ra khỏi địa bàn cấp tỉnh",
    "kiểm dịch trâu bò": "kiểm dịch động vật trên cạn vận chuyển ra khỏi địa bàn cấp tỉnh",
    "trang trại lợn": "chứng nhận đủ điều kiện chăn nuôi trang trại",
    "trang trại heo": "chứng nhận đủ điều kiện chăn nuôi trang trại",
    # crops: pesticide shops, the growing-area code for export fruit, a fish pond dug in the rice field
    "thuốc sâu": "thuốc bảo vệ thực vật",
    "thuốc trừ sâu": "thuốc bảo vệ thực vật",
    "bán thuốc sâu": "buôn bán thuốc bảo vệ thực vật",
    "bán thuốc trừ sâu": "buôn bán thuốc bảo vệ thực vật",
    "mã vùng trồng": "cấp mã số vùng trồng",
    "code vùng trồng": "cấp mã số vùng trồng",
    "đào ao trên ruộng": "chuyển đổi cơ cấu cây trồng vật nuôi trên đất trồng lúa",
    # planted forest: selling the timber, loans to plant it
    "bán gỗ keo": "bảng kê lâm sản",
    "bán gỗ rừng trồng": "bảng kê lâm sản",
    "vay vốn trồng rừng": "hỗ trợ tín dụng đầu tư trồng rừng gỗ lớn",
    # fishing boats, fish cages, river ferries; a household's drilled well
    "giấy phép đánh bắt": "giấy phép khai thác thủy sản",
    "giấy phép đánh cá": "giấy phép khai thác thủy sản",
    "đóng tàu cá": "chấp thuận đóng mới cải hoán tàu cá",
    "đăng kiểm tàu cá": "chứng nhận an toàn kỹ thuật tàu cá",
    "nuôi cá lồng": "xác nhận nuôi trồng thủy sản lồng bè",
    "đăng ký đò": "đăng ký phương tiện lần đầu đường thủy nội địa",
    "khoan giếng": "đăng ký khai thác nước dưới đất",
    "giếng khoan": "đăng ký khai thác nước dưới đất",
    # food-safety papers for a small producer; an heirloom sword must be declared
    "vệ sinh an toàn thực phẩm": "chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
    "kiếm gia truyền": "khai báo vũ khí thô sơ hiện vật đồ gia bảo",
    # certification
    "công chứng": "chứng thực",
    "hợp đồng": "giao dịch",
    "chuyển nhượng đất": "quyền sử dụng đất",
    "mua bán đất": "chuyển nhượng quyền sử dụng đất",
    "ký tên": "chứng thực chữ ký",
}


def _folded_table() -> list[tuple[tuple[str, ...], str]]:
    table = [(tuple(normalize_folded(k).split()), normalize_folded(v)) for k, v in EVERYDAY.items()]
    return sorted(table, key=lambda item: -len(item[0]))


_TABLE = _folded_table()
# The table's phrases by their first word, longest first: each word of a question looks up only its own.
_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _official in _TABLE:
    _BY_FIRST.setdefault(_phrase[0], []).append((_phrase, _official))


def everyday_phrases(folded: list[str]) -> list[tuple[tuple[str, ...], list[str]]]:
    """The everyday phrases in `folded` (normalised, folded tokens), each with the official words it
    stands for; one phrase per word, the longest first."""
    found: list[tuple[tuple[str, ...], list[str]]] = []
    i = 0
    while i < len(folded):
        match = next(((p, o) for p, o in _BY_FIRST.get(folded[i], ()) if tuple(folded[i : i + len(p)]) == p), None)
        if match:
            found.append((match[0], match[1].split()))
            i += len(match[0])
        else:
            i += 1
    return found


def official_words(folded: list[str]) -> list[str]:
    """The official words the everyday phrases in `folded` stand for."""
    return [word for _, official in everyday_phrases(folded) for word in official]
