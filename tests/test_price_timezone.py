"""The promotion's time zone when none is configured: the machine's, as a real zone (daylight saving time)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from checker.config import PromotionConfig
from checker.engine.context import PromotionWindow, system_zone


@pytest.fixture
def tz(monkeypatch):
    def use(name: str | None) -> None:
        if name is None:
            monkeypatch.delenv("TZ", raising=False)
        else:
            monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_a_july_promotion_audited_in_december_keeps_summer_time(tz):
    tz("Europe/Berlin")
    window = PromotionWindow.of(PromotionConfig(start=date(2026, 7, 10)), today=date(2026, 12, 1))
    assert window.timezone == ZoneInfo("Europe/Berlin")
    assert window.zone_name == "Europe/Berlin"
    # 22:30 UTC on July 9 is 00:30 on July 10 in Berlin (CEST, +2), not 23:30 (December's +1).
    assert window.local_date(datetime(2026, 7, 9, 22, 30, tzinfo=UTC)) == date(2026, 7, 10)
    assert window.local_date(datetime(2026, 12, 1, 22, 30, tzinfo=UTC)) == date(2026, 12, 1)


@pytest.mark.parametrize("value", [":Europe/Berlin", "/usr/share/zoneinfo/Europe/Berlin"])
def test_tz_as_libc_writes_it(tz, value):
    tz(value)
    zone, name = system_zone()
    assert (zone, name) == (ZoneInfo("Europe/Berlin"), "Europe/Berlin")


def test_a_tz_that_names_no_zone_falls_back_to_the_fixed_offset(tz):
    tz("XYZ-3")
    zone, _name = system_zone()
    assert datetime(2026, 7, 1, tzinfo=zone).utcoffset() == timedelta(hours=3)


def test_a_configured_zone_wins(tz):
    tz("Europe/Berlin")
    window = PromotionWindow.of(PromotionConfig(start=date(2026, 7, 10), timezone="Asia/Shanghai"), date(2026, 12, 1))
    assert window.zone_name == "Asia/Shanghai"
