"""Loading Indonesia's regions from the official data (idn-area-data), idempotently."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from districts.models.regions import District, Province, Regency, Village

REGION_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "idn-area-data"


BATCH_SIZE = 2000


@dataclass
class RegionLoadResult:
    provinces: int
    regencies: int
    districts: int
    villages: int


def _rows(data_dir, name, provinces):
    with open(Path(data_dir) / name, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if provinces is None or row["code"][:2] in provinces:
                yield row


def _upsert(model, objects, fields):
    """Insert or update by primary key in batches; running it twice changes nothing."""
    model.objects.bulk_create(
        objects, batch_size=BATCH_SIZE, update_conflicts=True, unique_fields=["code"], update_fields=fields
    )
    return len(objects)


@transaction.atomic
def load_regions(data_dir=REGION_DATA_DIR, provinces=None, villages=True):
    """Load (or refresh) the regions from the idn-area-data CSV files.

    ``provinces`` limits the load to some province codes (tests use it); ``villages=False`` skips
    the 83,762 desa/kelurahan. Rows are matched by their official code, so the load is idempotent.
    """
    provinces = set(provinces) if provinces is not None else None
    result = RegionLoadResult(
        provinces=_upsert(
            Province,
            [Province(code=r["code"], name=r["name"]) for r in _rows(data_dir, "provinces.csv", provinces)],
            ["name"],
        ),
        regencies=_upsert(
            Regency,
            [
                Regency(
                    code=r["code"],
                    province_id=r["province_code"],
                    name=r["name"],
                    kind=Regency.kind_from_name(r["name"]),
                )
                for r in _rows(data_dir, "regencies.csv", provinces)
            ],
            ["province", "name", "kind"],
        ),
        districts=_upsert(
            District,
            [
                District(code=r["code"], regency_id=r["regency_code"], name=r["name"])
                for r in _rows(data_dir, "districts.csv", provinces)
            ],
            ["regency", "name"],
        ),
        villages=0,
    )
    if villages:
        result.villages = _upsert(
            Village,
            [
                Village(code=r["code"], district_id=r["district_code"], name=r["name"])
                for r in _rows(data_dir, "villages.csv", provinces)
            ],
            ["district", "name"],
        )
    return result
