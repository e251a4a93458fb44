"""A programme's invitations keep the language they were first published in: a later
run in another language sends nobody an update, and a message reads as its calendar."""

from __future__ import annotations

import email
import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.io import read_instance, read_schedule

TINY = Path(__file__).parents[2] / "instances" / "tiny"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_a_run_in_another_language_keeps_the_invitations_language(tmp_path: Path) -> None:
    instance = tmp_path / "stad"
    shutil.copytree(TINY, instance)
    schedule = tmp_path / "schema"
    run("--lang", "sv", "solve", str(instance), "-o", str(schedule), "--greedy")
    assert check_schedule(read_instance(instance), read_schedule(schedule)) == []
    ledger = json.loads((schedule / "ics" / "ledger.json").read_text(encoding="utf-8"))
    assert ledger["language"] == "sv"

    again = run("--lang", "en", "export", "ics", str(schedule), "--instance", str(instance))
    assert " 0 changed" in again.output and " 0 new" in again.output, again.output
    ledger = json.loads((schedule / "ics" / "ledger.json").read_text(encoding="utf-8"))
    assert ledger["language"] == "sv"

    outbox = tmp_path / "utkorg"
    run("--lang", "en", "send", str(schedule), "--dry-run", str(outbox))
    first = sorted(outbox.rglob("*.eml"))[0]
    message = email.message_from_bytes(first.read_bytes())
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = body.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode("utf-8")
    assert "Svara med knapparna Ja/Nej" in text
    assert "Answer with the Yes/No buttons" not in text
