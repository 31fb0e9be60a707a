"""Docs are tested: every command has help text and is shown in the README."""
from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from conftest import REPO
from urbandb.cli import app

COMMANDS = sorted(get_command(app).commands)
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_docs_readme_gives_the_two_setup_commands_first():
    assert README.index("make demo") < README.index("## Quickstart")
    assert "make test" in README


@pytest.mark.parametrize("command", COMMANDS)
def test_docs_every_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert len(get_command(app).commands[command].help or "") > 20
    assert f"urbandb {command}" in README


def test_docs_readme_lists_every_exit_code():
    from urbandb.exit_codes import ExitCode

    table = README[README.index("#### Exit codes"):]
    for code in ExitCode:
        assert f"\n| {code.value} | " in table, code
