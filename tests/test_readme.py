"""The README's policy table is a copy for readers: it must match the enforced one."""

from __future__ import annotations

from pathlib import Path

from directives.policy import COLUMNS, GRANTS
from directives.vocabulary import Purpose, Role

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_rows() -> dict[tuple[Role, Purpose], str]:
    lines = README.read_text().split("<!-- policy-table -->", 1)[1].strip().splitlines()
    rows = {}
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        role, purpose, *letters = [c.strip() for c in line.strip("|").split("|")]
        rows[(Role(role), Purpose(purpose))] = "".join(letters)
    return rows


def test_readme_policy_table_matches_the_code() -> None:
    letter = {"CLEAR": "C", "MASKED": "M", "DENIED": "D"}
    enforced = {
        key: "".join(letter[grants[c].value] for c in COLUMNS) for key, grants in GRANTS.items()
    }
    assert _readme_rows() == enforced


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text()
    first_blocks = [b.split("```", 1)[0].strip() for b in text.split("```sh\n")[1:3]]
    assert first_blocks[0].endswith("server.py --demo")
    assert first_blocks[1].endswith(".venv/bin/pytest -n auto")
