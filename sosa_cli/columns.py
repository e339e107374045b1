"""The column vocabulary of the files people read and write: one place for both directions.

Each column has its YAML key (what `sosa enroll --from companies.yaml` reads and the
exports to the US write) and the Japanese header the desk's own internal export writes
(GLOSSARY.md words). Intake (`sosa enroll --from FILE.csv|.xlsx`, `sosa delay add --from`)
accepts either, so a workbook the desk exported enrolls again unchanged.
"""

from __future__ import annotations

import re

# key → Japanese header, in the order the internal export writes them. `key` and
# `status` are the register's own: intake reads past them (sosa gives the key, and the
# status follows from the Code of Conduct date).
COMPANY = {
    "key": "キー",
    "status": "状態",
    "name_ja": "企業名",
    "name_en": "企業名（英語）",
    "corporate_number": "法人番号",
    "ncage": "NCAGEコード",
    "address_ja": "所在地",
    "address_en": "所在地（英語）",
    "products": "製品・技術",
    "fsc": "FSC（補給分類）",
    "psc": "PSC（役務コード）",
    "us_programs": "米国のプログラム",
    "coc_version": "行動規範の版",
    "coc_accepted_on": "行動規範の受諾日",
    "coc_signatory": "行動規範の署名者",
    "share_usg": "米国政府への提供の同意",
    "share_primes": "米国主要防衛関連企業への提供の同意",
    "contact_name": "担当者名",
    "contact_title": "担当者の役職",
    "contact_email": "担当者のメール",
    "contact_phone": "担当者の電話番号",
    "contact_role": "担当者の役割",
    "contact_language": "担当者の言語",
}
# Columns a file may carry that intake reads past: the register's own.
COMPANY_READ_ONLY = ("key", "status")
# The main contact's columns: contact_<field> → the field of `contacts: [ … ]`.
CONTACT_PREFIX = "contact_"

DELAY = {
    "company": "参加企業",
    "corporate_number": "法人番号",  # another way to name the company
    "program": "事業・装備品",
    "program_en": "事業・装備品（英語）",
    "service_branch": "自衛隊の区分",
    "contract": "契約番号",
    "supplier": "米国の供給企業",
    "supplier_cage": "CAGEコード",
    "supplier_country": "供給企業の国",
    "supplier_address": "供給企業の所在地（英語）",
    "supplier_contact": "供給企業の連絡先（英語）",
    "po": "発注番号",
    "service": "役務",
    "part_number": "部品番号",
    "nsn": "NSN",
    "psc": "PSC（役務コード）",
    "description": "品名・役務内容",
    "quantity": "数量",
    "unit": "単位",
    "need_date": "必要時期",
    "promised_date": "供給企業の回答納期",
    "impact": "影響",
    "efforts": "これまでの対応",
    "rating_sought": "求める優先格付",
}

# The statuses as the desk says them (GLOSSARY.md), and the consents as はい / いいえ.
STATUS_JA = {"applied": "申請中", "enrolled": "参加中", "suspended": "参加停止中", "withdrawn": "参加取りやめ"}
YES_NO_JA = ("いいえ", "はい")

# Columns written as dates in a workbook, and as text never to be read as a number
# (法人番号 1.18E+12, a phone number losing its leading 0).
DATE_COLUMNS = frozenset({"coc_accepted_on", "need_date", "promised_date"})
TEXT_COLUMNS = frozenset({"corporate_number", "contact_phone", "ncage", "po", "contract", "part_number", "nsn", "supplier_cage"})
LIST_COLUMNS = frozenset({"fsc", "psc"})
# How a list cell is written, and what separates its items on reading: `;`, `、`, a
# comma or spaces (the exports to the US write spaces).
LIST_JOIN = "; "
LIST_SPLIT = re.compile(r"[;、,，；\s]+")


def split_list(cell: str) -> list[str]:
    return [item for item in LIST_SPLIT.split(cell) if item]


def header_map(vocabulary: dict[str, str]) -> dict[str, str]:
    """Every header intake accepts (the key itself, its Japanese header) → the key."""
    known = {key: key for key in vocabulary}
    known.update({ja: key for key, ja in vocabulary.items()})
    return known
