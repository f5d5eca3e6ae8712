"""environment.yml (conda users, with Quarto) must ask for the same packages as pyproject.toml."""

import re
import tomllib

import yaml

from exploitation_report.paths import PROJECT_ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(req: str) -> str:
    return req.strip()[len(_name(req)):].replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {_name(r): _spec(r) for r in reqs}


def environment_requirements() -> tuple[dict[str, str], dict[str, str]]:
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                if not item.startswith("-e"):
                    pip[_name(item)] = _spec(item)
        else:
            conda[_name(dep)] = _spec(dep)
    return conda, pip


def test_environment_lists_the_same_packages_with_the_same_bounds():
    project = pyproject_requirements()
    conda, pip = environment_requirements()
    for extra in ("python", "quarto", "pip"):
        conda.pop(extra)
    env = {**conda, **pip}
    assert set(env) == set(project), (set(env) ^ set(project))
    for name, spec in project.items():
        assert env[name] == spec, f"{name}: pyproject says {spec!r}, environment.yml says {env[name]!r}"


def test_environment_brings_quarto_and_python_311():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "conda-forge" in env["channels"]
    assert "python=3.11" in deps
    assert any(d.startswith("quarto") for d in deps)
