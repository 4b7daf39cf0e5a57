"""The scoring tests' evidence builders (tests/scoring/conftest.py), loaded by
path: `scoring` is also the project's package name."""
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "scoring_test_builders", Path(__file__).resolve().parents[1] / "scoring" / "conftest.py")
builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builders)
