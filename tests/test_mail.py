"""E-mail drafts of issued letters (`sosa letter mail`, `sosa relay --mail`, `sosa ask remind --mail`),
read back with the standard `email` package as a mail program would."""

from __future__ import annotations

import email
import hashlib
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.conftest import needs_pdf
from tests.test_asks import ASK
from tests.test_delays import DELAY

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read(path: Path) -> EmailMessage:
    raw = path.read_bytes()
    # Every header and line is ASCII on the wire: Japanese is encoded, not sent raw.
    assert raw.isascii() and b"\r\n" in raw
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["X-Unsent"] == "1"  # Outlook opens it as a message to send
    return message


def cover(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return body.get_content()


def attachment(message: EmailMessage) -> tuple[str, str, bytes]:
    [part] = list(message.iter_attachments())
    return part.get_content_type(), part.get_filename(), part.get_content()


def letter_file(sosa, key: str, fmt: str) -> tuple[Path, str]:
    """The letter's file in `fmt` and the SHA-256 the register records for it."""
    data = json.loads(sosa("letter", "show", key, "--json").stdout)
    entry = [f for f in data["files"] if f["format"] == fmt][-1]
    return Path(entry["path"]), entry["sha256"]


def check_attached(sosa, message: EmailMessage, key: str, fmt: str, media: str) -> Path:
    kind, name, data = attachment(message)
    path, sha256 = letter_file(sosa, key, fmt)
    assert kind == media and name.endswith(f".{fmt}")
    assert data == path.read_bytes() and hashlib.sha256(data).hexdigest() == sha256
    return path


@pytest.fixture
def enrollment(sosa, configured):
    sosa("letter", "render", "enrollment", "C-0002")  # L-0001, 装備政策第1号, to 鈴木 健 of 北斗電子工業
    return configured


@needs_pdf
def test_a_letter_as_a_draft_with_its_pdf_attached(sosa, enrollment):
    result = sosa("letter", "mail", "L-0001")
    path = Path(result.stdout.strip())
    assert path.name == "L-0001-enrollment-C-0002.eml" and path.parent.name == "desk-letters"
    assert "nothing was sent" in result.stderr
    message = read(path)
    assert message["To"].addresses[0].addr_spec == "suzuki@hokuto-denshi.example.co.jp"
    assert message["To"].addresses[0].display_name == "鈴木 健"
    assert message["From"].addresses[0].addr_spec == "sosa@example.go.jp"
    assert message["Subject"].startswith("装備政策第1号 ") and "（通知）" in message["Subject"]
    raw = path.read_bytes()
    assert b"Subject: =?utf-8?" in raw and b"filename*" in raw  # RFC 2047, RFC 2231
    text = cover(message)
    parts = ("北斗電子工業株式会社 品質保証部長 鈴木 健 殿", "装備政策第1号", "添付のとおりお送りします", "山田 太郎", "03-3268-3111", "sosa@example.go.jp")
    for part in parts:
        assert part in text, part
    pdf = check_attached(sosa, message, "L-0001", "pdf", "application/pdf")
    assert pdf.parent == path.parent
    assert attachment(message)[1] == message["Subject"] + ".pdf"


def test_word_attached_on_request_and_the_rules_of_out(sosa, enrollment, tmp_path):
    target = tmp_path / "mail" / "draft.eml"
    sosa("letter", "mail", "L-0001", "--format", "docx", "--out", str(target))
    message = read(target)
    check_attached(sosa, message, "L-0001", "docx", DOCX)
    refused = sosa("letter", "mail", "L-0001", "--format", "docx", "--out", str(target), ok=False)
    assert refused.exit_code == 1 and "already exists" in refused.stderr and "--force" in refused.stderr
    sosa("letter", "mail", "L-0001", "--format", "docx", "--out", str(target), "--force")
    printed = sosa("letter", "mail", "L-0001", "--format", "docx", "--out", "-")
    assert email.message_from_bytes(printed.stdout_bytes, policy=policy.default)["Subject"] == message["Subject"]


def test_a_cancelled_letter_is_not_mailed(sosa, enrollment, tmp_path):
    sosa("letter", "cancel", "L-0001", "--reason", "wrong contact", "--yes")
    result = sosa("letter", "mail", "L-0001", "--format", "docx", "--out", str(tmp_path / "x.eml"), ok=False)
    assert result.exit_code == 1 and "L-0001 is cancelled" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2 and "Traceback" not in result.output
    assert not (tmp_path / "x.eml").exists()


def test_an_english_letter_goes_to_the_dod_address_setting(sosa, configured, tmp_path):
    sosa("delay", "add", *DELAY)
    sosa("request", "open", "D-0001")
    sosa("request", "send", "R-0001")  # L-0001, the request to DoD
    first = sosa("letter", "mail", "L-0001", "--format", "docx", "--out", str(tmp_path / "a.eml"))
    assert "no recipient" in first.stderr and "sosa config set dod_email" in first.stderr
    assert read(tmp_path / "a.eml")["To"] is None

    sosa("config", "set", "dod_email", "osd.ibp@example.mil")
    message = read(Path(sosa("letter", "mail", "L-0001", "--format", "docx", "--out", str(tmp_path / "b.eml")).stdout.strip()))
    assert message["To"] == "osd.ibp@example.mil"
    assert message["Subject"].startswith("ATLA-EPD No. 1 ") and message["Subject"].isascii()
    assert message["Content-Language"] == "en"
    text = cover(message)
    assert text.startswith("Dear Sir or Madam,") and "ATLA-EPD No. 1" in text and "26 November 2026" in text and "Taro Yamada" in text
    assert text.isascii()
    check_attached(sosa, message, "L-0001", "docx", DOCX)
    refused = sosa("config", "set", "dod_email", "not an address", ok=False)
    assert refused.exit_code == 1


@needs_pdf
def test_relay_and_remind_write_one_draft_per_company_beside_the_letters(sosa, configured, monkeypatch):
    sosa("ask", "record", *ASK)
    result = sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0005", "--mail")
    drafts = [Path(line) for line in result.stdout.splitlines() if line.endswith(".eml")]
    assert [d.name for d in drafts] == ["L-0001-relay-A-0001-C-0002.eml", "L-0002-relay-A-0001-C-0005.eml"]
    assert "Wrote 2 e-mail drafts" in result.stderr
    expected = {"L-0001": "suzuki@hokuto-denshi.example.co.jp", "L-0002": "d.yamamoto@kobe-marine.example.jp"}
    for path, (key, to) in zip(drafts, expected.items(), strict=True):
        message = read(path)
        assert message["To"].addresses[0].addr_spec == to
        assert "協力について（依頼）" in message["Subject"]
        assert "添付のとおりお送りします" in cover(message)
        assert check_attached(sosa, message, key, "pdf", "application/pdf").parent == path.parent

    monkeypatch.setenv("SOSA_TODAY", "2026-12-11")
    sosa("ask", "respond", "A-0001", "C-0005", "--decision", "accept", "--committed-date", "2027-03-31", "--quantity", "12")
    reminded = sosa("ask", "remind", "A-0001", "--mail")
    [path] = [Path(line) for line in reminded.stdout.splitlines() if line.endswith(".eml")]
    assert path.name == "L-0003-reminder-A-0001-C-0002.eml"
    message = read(path)
    assert message["To"].addresses[0].addr_spec == "suzuki@hokuto-denshi.example.co.jp"
    check_attached(sosa, message, "L-0003", "pdf", "application/pdf")


def test_mail_cannot_go_with_letters_printed(sosa, configured, db_path):
    sosa("ask", "record", *ASK)
    result = sosa("relay", "A-0001", "--to", "C-0002", "--mail", "--out", "-", ok=False)
    assert result.exit_code == 1 and "--mail" in result.stderr
    assert json.loads(sosa("ask", "show", "A-0001", "--json").stdout)["relays"] == []


def test_word_is_attached_where_pdf_is_not_installed(sosa, enrollment, monkeypatch):
    from sosa_cli import mail

    monkeypatch.setattr(mail, "pdf_available", lambda: False)
    message = read(Path(sosa("letter", "mail", "L-0001").stdout.strip()))
    check_attached(sosa, message, "L-0001", "docx", DOCX)


def test_a_company_without_a_contact_email_gets_a_draft_to_fill_in(sosa, configured, tmp_path):
    sosa("enroll", "--name-ja", "株式会社有明電装", "--name-en", "Ariake Denso", "--corporate-number", "8010401135790", "--coc-accepted-on", "2026-11-02")
    sosa("letter", "render", "enrollment", "C-0011")
    result = sosa("letter", "mail", "L-0001", "--format", "docx", "--out", str(tmp_path / "d.eml"))
    assert "C-0011 株式会社有明電装 has no contact e-mail" in result.stderr and "sosa company update C-0011 --contact-email" in result.stderr
    message = read(tmp_path / "d.eml")
    assert message["To"] is None and "株式会社有明電装 御中" in cover(message)
