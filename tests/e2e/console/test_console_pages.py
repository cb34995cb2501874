"""The console's admin and team pages through the real server, beyond the browser walk-through."""

from __future__ import annotations

import csv
import io

from tests.e2e.console.conftest import ConsoleSite


def test_an_admin_adds_an_account_in_the_page_and_disables_it(console_site: ConsoleSite) -> None:
    admin = console_site.logged_in("quan.tri")
    token = console_site.csrf(admin, "/accounts")
    added = admin.post(f"{console_site.base}/accounts/add", timeout=60,
                       data={"csrf": token, "name": "Moi.Vao", "role": "desk", "password": "mk-moi-vao-2026"})
    assert added.status_code == 200 and "Đã tạo tài khoản moi.vao" in added.text
    console_site.passwords["moi.vao"] = "mk-moi-vao-2026"
    newcomer = console_site.logged_in("moi.vao")
    assert newcomer.get(f"{console_site.base}/status", timeout=30).status_code == 200

    weak = admin.post(f"{console_site.base}/accounts/add", timeout=60,
                      data={"csrf": token, "name": "yeu", "role": "desk", "password": "123"})
    assert weak.status_code == 400 and "ít nhất 10 ký tự" in weak.text
    myself = admin.post(f"{console_site.base}/accounts/change", timeout=60,
                        data={"csrf": token, "name": "quan.tri", "action": "disable"})
    assert myself.status_code == 400

    disabled = admin.post(f"{console_site.base}/accounts/change", timeout=60,
                          data={"csrf": token, "name": "moi.vao", "action": "disable"})
    assert disabled.status_code == 200
    gone = newcomer.get(f"{console_site.base}/status", timeout=30, allow_redirects=False)
    assert gone.status_code == 303  # its session ended with it
    assert console_site.login("moi.vao").status_code == 401
    audit = admin.get(f"{console_site.base}/accounts", timeout=30).text
    assert "account_added" in audit and "account_disabled" in audit and "mk-moi-vao-2026" not in audit


def test_the_team_downloads_the_report_as_csv(console_site: ConsoleSite) -> None:
    team = console_site.logged_in("to.cns")
    answer = team.get(f"{console_site.base}/report.csv", params={"since": ""}, timeout=120)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert answer.headers["Content-Disposition"] == 'attachment; filename="bao-cao-cau-noi_dau_nay.csv"'
    assert answer.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    totals = {r["key"]: int(r["count"]) for r in rows if r["section"] == "totals"}
    inputs = sum(int(r["count"]) for r in rows if r["section"] == "inputs")
    assert totals["user_messages"] == inputs
    bad = team.get(f"{console_site.base}/report", params={"since": "2025-13-45"}, timeout=60)
    assert bad.status_code == 400 and "Ngày" in bad.text
