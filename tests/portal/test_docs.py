"""The documentation lists every setting the portal reads from the environment."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTING = re.compile(r'env(?:\.[a-z_]+)?\(\s*"([A-Z0-9_]+)"')


def _settings_read() -> set[str]:
    names: set[str] = set()
    for module in ("base.py", "production.py"):  # test.py's hooks are for the suite only
        names |= set(SETTING.findall((ROOT / "portal" / "settings" / module).read_text()))
    return names


def test_the_settings_are_found():
    assert {"SECRET_KEY", "DATABASE_URL", "TRUSTED_PROXIES"} <= _settings_read()


def test_the_readme_table_lists_every_setting():
    readme = (ROOT / "README.md").read_text()

    assert sorted(n for n in _settings_read() if f"`{n}`" not in readme) == []


def test_env_example_lists_every_setting():
    example = (ROOT / ".env.example").read_text()

    assert sorted(n for n in _settings_read() if not re.search(rf"^#? ?{n}=", example, re.M)) == []
