"""The replica commands in Japanese (issue 15 with issue 13 §1): `sosa db replica init|status`,
`sosa db restore` and the replica line of `sosa status`, as an officer with SOSA_LANG=ja reads
them; and the same in English, unchanged."""

from __future__ import annotations

import json
import re
import time

import pytest

from sosa_cli import replica
from tests.test_i18n import japanese
from tests.test_i18n_desk import refusal
from tests.test_replica import fake_copy

HELP = {
    ("db", "replica"): "Litestream によるデータベースの継続的な複製: 設定と進み具合の確認。",
    ("db", "replica", "init"): "使用中のデータベースの Litestream 設定ファイルを、担当課の設定の隣に作成します。",
    ("db", "replica", "status"): "複製先、最新のコピー（Litestream の位置）とその古さを表示します。",
    ("db", "restore"): "Litestream の複製から FILE にコピーを復元し、検査します。"
    "整合性、変更履歴の連鎖と再現、文書ファイルを検査し、コピーに含まれる最新の変更履歴を示します。",
}


@pytest.mark.parametrize("command", list(HELP), ids=" ".join)
def test_help_pages_are_japanese(sosa, ja, command):
    page = sosa(*command, "--help").stdout
    paragraphs = ["".join(line.strip() for line in part.splitlines()) for part in page.split("\n\n") if part.strip()]
    assert paragraphs[0].startswith("使い方: sosa " + " ".join(command))
    assert paragraphs[1] == HELP[command]
    assert "Usage" not in page and "Example" not in page


def test_refusals_in_japanese(sosa, ja, enrolled, desk_env, monkeypatch):
    assert refusal(sosa, "db", "replica", "status") == (
        f"sosa: 複製が設定されていません。{desk_env / 'litestream.yml'} がありません（`sosa db replica init TARGET` で設定します）"
    )
    fake_copy(desk_env / "replica", 1, 1, time.time())
    assert refusal(sosa, "db", "restore", "--from", str(desk_env / "replica"), str(enrolled)) == (
        f"sosa: {enrolled} は使用中のデータベースです。復元で上書きすることはありません"
        "（別のファイルに復元して検査し、Litestream と sosa を止めてから置き換えてください（README: 復元訓練））"
    )
    monkeypatch.setattr(replica, "find_litestream", lambda: None)
    assert refusal(sosa, "db", "restore", "--from", str(desk_env / "replica"), str(desk_env / "drill.db")) == (
        "sosa: Litestream がインストールされていません（`pip install 'sosa-cli[replica]'` でインストールしてください）"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("db", "replica", "init", "ftp://files.example/sosa"),
        ("db", "replica", "init", "{desk}"),
        ("db", "restore", "--from", "{desk}/empty", "{desk}/drill.db"),
        ("db", "restore", "--from", "{desk}/replica", "{desk}/drill.db", "--timestamp", "yesterday"),
        ("db", "restore", "--from", "{desk}/replica", "{desk}/drill.db", "--timestamp", "2020-01-01T00:00Z"),
        ("db", "restore", "--from", "{desk}/replica", "{desk}/desk.db"),
        ("config", "set", "replica_max_age", "soon"),
        ("config", "set", "replica_max_age", "9d"),
    ],
    ids=" ".join,
)
def test_every_refusal_reads_japanese(sosa, ja, enrolled, desk_env, args):
    (desk_env / "empty").mkdir()
    fake_copy(desk_env / "replica", 1, 1, time.time())
    line = refusal(sosa, *(arg.format(desk=desk_env) for arg in args))
    japanese(line)


def test_init_and_status_speak_japanese(sosa, ja, enrolled, desk_env):
    result = sosa("db", "replica", "init", str(desk_env / "replica"))
    config = desk_env / "litestream.yml"
    assert result.stderr.splitlines()[0] == f"{config} を作成しました。Litestream が {enrolled} を {desk_env / 'replica'} へ複製します。"
    japanese(result.stderr, every_line=True)
    status = json.loads(sosa("status", "--json").stdout)[0]
    assert status["what"] == "複製が作られていません"
    assert status["detail"] == f"{desk_env / 'replica'} にはまだデータベースのコピーがありません。`litestream replicate -config {config}` は動いていますか？"
    fake_copy(desk_env / "replica", 1, 3, time.time() + 1)
    card = dict(line.split("\t", 1) for line in sosa("db", "replica", "status").stdout.splitlines())
    assert list(card) == ["データベース", "複製先", "設定ファイル", "最新のコピー", "最新の変更履歴", "未複製の変更", "状態"]
    assert card["状態"] == "正常" and card["未複製の変更"] == "なし。複製にすべての変更が含まれています"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST（\d+秒前）、Litestream の位置 0000000000000003", card["最新のコピー"])


def test_the_same_in_english_is_unchanged(sosa, enrolled, desk_env):
    result = sosa("db", "replica", "init", str(desk_env / "replica"))
    assert result.stderr.splitlines()[0] == f"Wrote {desk_env / 'litestream.yml'}: Litestream copies {enrolled} to {desk_env / 'replica'}."
    card = dict(line.split("\t", 1) for line in sosa("db", "replica", "status").stdout.splitlines())
    assert list(card) == ["Database", "Replica", "Configuration", "Newest copy", "Newest audit entry", "Changes not yet copied", "State"]
    assert card["State"] == "no copy yet"
    assert sosa("db", "replica", "init", "--help").stdout.split("\n\n")[1].strip().startswith("Write Litestream's configuration")
