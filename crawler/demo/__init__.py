"""Demo portal farm: realistic Vietnamese government portals and service portals, generated
from data (data/*.yaml) and served on loopback, with their known truth.

    from crawler.demo import DemoFarm
    with DemoFarm() as farm:
        farm.write_targets_csv("targets.csv")
        truth = farm.truth()

See data/README.md for the data format and what each portal exercises.
"""
from .farm import CSV_COLUMNS, DemoFarm, PortalHandle

__all__ = ["DemoFarm", "PortalHandle", "CSV_COLUMNS"]
