"""The architecture's checks themselves: `lint-imports` passes on the tree, and the public-modules contract fails
on an app reaching into another's internals (so CI's check can fail)."""

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from qsportal.architecture import PublicModulesContract

ROOT = Path(__file__).resolve().parent.parent


def _contract() -> PublicModulesContract:
    return PublicModulesContract(
        name="public modules",
        session_options={},
        contract_options={"apps": ["credit", "brands"], "public": ["selectors", "services", "events", "choices"]},
    )


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=3, line_contents=f"import {imported}")
    return graph


def test_reaching_into_another_apps_models_breaks_the_contract():
    check = _contract().check(_graph(("brands.views", "credit.models")), verbose=False)
    assert not check.kept
    assert check.metadata["illegal"] == [("brands.views", "credit.models", [3])]


@pytest.mark.parametrize("module", ["credit.selectors", "credit.services.grades", "credit.events", "credit.choices"])
def test_public_modules_and_own_internals_keep_it(module):
    graph = _graph(("brands.views", module), ("brands.views", "brands.models"), ("brands.views", "django.db"))
    assert _contract().check(graph, verbose=False).kept


def test_lint_imports_passes_on_the_tree():
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 kept, 0 broken" in result.stdout
