"""Dependency floors stay above known advisories and CI installs exact pins for all of them."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT

ADVISORY_FLOORS = {"gitpython": "3.1.41", "h11": "0.16"}


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + project["optional-dependencies"]["test"]
    return [Requirement(r) for r in names]


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_floors_are_above_known_advisories():
    floors = {canonicalize_name(r.name): r.specifier for r in _requirements()}
    for name, safe in ADVISORY_FLOORS.items():
        assert name in floors, f"{name} needs a floor in pyproject.toml"
        assert Version(safe) in floors[name]
        below = (*Version(safe).release[:-1], Version(safe).release[-1] - 1)
        assert Version(".".join(map(str, below))) not in floors[name], name


def test_constraints_pin_every_dependency_within_its_range():
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"constraints.txt has no pin for {name}"
        assert pins[name] in requirement.specifier, (name, pins[name], requirement.specifier)


def test_ci_installs_with_the_constraints():
    assert "-c constraints.txt" in (ROOT / ".ci" / "run").read_text()
