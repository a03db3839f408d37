"""The suite's own example criteria (a plain dict in the ``sp2k-edition/1`` format).

It mirrors the shape of SP2K Jawa Timur 2022 (desk → presentation → field visit) and is owned by the
tests: the demo data may change without moving the figures the tests compute by hand.

Desk (order 1): numeric 0–100, "Kelengkapan administrasi" 40 % and "Data dukung kinerja" 60 %, every
indicator needs evidence, 30 advance. Presentation (order 2): numeric 0–100, six aspects, 5 advance.
Field visit (order 3): a 1–5 rubric, "Pelayanan publik" 40, "Inovasi (IKI)" 40, "Koordinasi
penyelenggaraan pemerintahan" 20. Indicator weights within an aspect are equal and add up to 100.
"""

import copy
from decimal import ROUND_DOWN, Decimal

RUBRIC_LEVELS = [
    {"value": 1, "label": "Sangat kurang", "description": "Belum ada bukti pelaksanaan."},
    {"value": 2, "label": "Kurang", "description": "Ada rencana, pelaksanaan belum berjalan."},
    {"value": 3, "label": "Cukup", "description": "Berjalan sebagian, belum rutin atau belum terukur."},
    {"value": 4, "label": "Baik", "description": "Berjalan rutin dan terukur."},
    {
        "value": 5,
        "label": "Sangat baik",
        "description": "Berjalan rutin, terukur, berdampak dan direplikasi pihak lain.",
    },
]

# aspect name, weight, indicators
DESK_ASPECTS = [
    ("Kelengkapan administrasi", "40", ["Profil kecamatan", "Dokumen inovasi", "Surat usulan kabupaten/kota"]),
    ("Data dukung kinerja", "60", ["Capaian pelayanan PATEN", "Laporan koordinasi", "Laporan realisasi anggaran"]),
]

PRESENTATION_ASPECTS = [
    (
        "Pelayanan publik",
        "25",
        [
            "Standar PATEN terpenuhi",
            "Layanan digital/daring",
            "Layanan bagi penyandang disabilitas",
            "Penanganan pengaduan",
            "Survei kepuasan masyarakat (IKM)",
        ],
    ),
    (
        "Koordinasi penyelenggaraan pemerintahan",
        "20",
        [
            "Forum koordinasi (mis. Rapat Minggon)",
            "Pembinaan pemerintahan desa",
            "Sinergi dengan instansi di kecamatan",
        ],
    ),
    (
        "Inovasi (IKI)",
        "30",
        ["Inisiatif", "Kolaborasi dengan mitra", "Kebaruan", "Dampak terukur", "Keberlanjutan dan replikasi"],
    ),
    ("Kompetensi SDM", "10", ["Pelatihan aparatur", "Sikap pelayanan"]),
    ("Pengelolaan anggaran", "10", ["Realisasi anggaran", "Laporan pertanggungjawaban"]),
    ("Penguasaan materi oleh camat", "5", ["Kejelasan paparan", "Jawaban atas pertanyaan tim penilai"]),
]

FIELD_VISIT_ASPECTS = [
    ("Pelayanan publik", "40", ["Kondisi ruang pelayanan", "Kesesuaian layanan dengan paparan"]),
    ("Inovasi (IKI)", "40", ["Inovasi berjalan di lapangan", "Keterlibatan masyarakat dan mitra"]),
    ("Koordinasi penyelenggaraan pemerintahan", "20", ["Kehadiran dan peran unsur Forkopimcam"]),
]

# The 2022 winners of Jawa Timur in the order of the decree: Rogojampi, Taman, Tongas, Bumiaji, Pamekasan.
WINNER_CODES = ["35.10.13", "35.15.13", "35.13.23", "35.79.02", "35.28.04"]


def split_weights(total, count):
    """Equal weights that add up to exactly ``total`` (the last takes the rounding)."""
    share = (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [str(share)] * (count - 1) + [str(Decimal(total) - share * (count - 1))]


def aspects_of(spec, scale="numeric", evidence=False):
    """The ``aspects`` list of a stage from (name, weight, [indicator names]) triples."""
    rubric = scale == "rubric"
    return [
        {
            "name": name,
            "weight": weight,
            "indicators": [
                {
                    "name": indicator,
                    "description": "",
                    "weight": w,
                    "scale": scale,
                    "scale_min": "1" if rubric else "0",
                    "scale_max": "5" if rubric else "100",
                    "requires_evidence": evidence,
                    "levels": copy.deepcopy(RUBRIC_LEVELS) if rubric else [],
                }
                for indicator, w in zip(indicators, split_weights(100, len(indicators)), strict=True)
            ],
        }
        for name, weight, indicators in spec
    ]


def example_configuration():
    """Three stages, 2022 dates: desk (all) → presentation (30 → 5) → field visit (5). A fresh dict each call."""
    return {
        "format": "sp2k-edition/1",
        "aggregation": "mean",
        "final_score": "last_stage",
        "tie_break_aspect": "Inovasi (IKI)",
        "nomination_quota": 1,
        "evidence_max_mb": 20,
        "reminder_days": 3,
        "stages": [
            {
                "order": 1,
                "kind": "desk",
                "name": "Penilaian administrasi (desk)",
                "starts_on": "2022-10-03",
                "ends_on": "2022-10-21",
                "weight": "20",
                "advance_count": 30,
                "aspects": aspects_of(DESK_ASPECTS, evidence=True),
            },
            {
                "order": 2,
                "kind": "presentation",
                "name": "Presentasi dan wawancara",
                "starts_on": "2022-11-02",
                "ends_on": "2022-11-04",
                "weight": "30",
                "advance_count": 5,
                "aspects": aspects_of(PRESENTATION_ASPECTS),
            },
            {
                "order": 3,
                "kind": "field_visit",
                "name": "Verifikasi dan tinjau lapang",
                "starts_on": "2022-11-16",
                "ends_on": "2022-11-25",
                "weight": "50",
                "advance_count": None,
                "aspects": aspects_of(FIELD_VISIT_ASPECTS, scale="rubric"),
            },
        ],
    }
