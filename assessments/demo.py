"""Example criteria for demo data and tests (from the domain brief's examples, not a regulation)."""

RUBRIC_LEVELS = [
    {"value": 1, "label": "Sangat kurang", "description": "Belum ada bukti pelaksanaan."},
    {"value": 2, "label": "Kurang", "description": "Ada rencana, pelaksanaan belum berjalan."},
    {"value": 3, "label": "Cukup", "description": "Berjalan sebagian, belum rutin atau belum terukur."},
    {"value": 4, "label": "Baik", "description": "Berjalan rutin dan terukur."},
    {"value": 5, "label": "Sangat baik", "description": "Berjalan rutin, terukur, berdampak dan direplikasi pihak lain."},
]

# aspect name, weight, indicators
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
        ["Forum koordinasi (mis. Rapat Minggon)", "Pembinaan pemerintahan desa", "Sinergi dengan instansi di kecamatan"],
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

DESK_ASPECTS = [
    ("Kelengkapan administrasi", "40", ["Profil kecamatan", "Dokumen inovasi", "Surat usulan kabupaten/kota"]),
    ("Data dukung kinerja", "60", ["Capaian pelayanan PATEN", "Laporan koordinasi", "Laporan realisasi anggaran"]),
]

FIELD_VISIT_ASPECTS = [
    ("Pelayanan publik", "40", ["Kondisi ruang pelayanan", "Kesesuaian layanan dengan paparan"]),
    ("Inovasi (IKI)", "40", ["Inovasi berjalan di lapangan", "Keterlibatan masyarakat dan mitra"]),
    ("Koordinasi penyelenggaraan pemerintahan", "20", ["Kehadiran dan peran unsur Forkopimcam"]),
]


def _split(total, count):
    """Equal weights that add up to exactly ``total`` (the last takes the rounding)."""
    from decimal import ROUND_DOWN, Decimal

    share = (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [str(share)] * (count - 1) + [str(Decimal(total) - share * (count - 1))]


def _aspects(spec, scale="numeric", evidence=False):
    aspects = []
    for name, weight, indicators in spec:
        weights = _split(100, len(indicators))
        aspects.append(
            {
                "name": name,
                "weight": weight,
                "indicators": [
                    {
                        "name": indicator,
                        "description": "",
                        "weight": w,
                        "scale": scale,
                        "scale_min": "1" if scale == "rubric" else "0",
                        "scale_max": "5" if scale == "rubric" else "100",
                        "requires_evidence": evidence,
                        "levels": RUBRIC_LEVELS if scale == "rubric" else [],
                    }
                    for indicator, w in zip(indicators, weights, strict=True)
                ],
            }
        )
    return aspects


def example_configuration():
    """SP2K Jawa Timur 2022 as an example: desk (all) → presentation (30 → 5) → field visit (5)."""
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
                "aspects": _aspects(DESK_ASPECTS, evidence=True),
            },
            {
                "order": 2,
                "kind": "presentation",
                "name": "Presentasi dan wawancara",
                "starts_on": "2022-11-02",
                "ends_on": "2022-11-04",
                "weight": "30",
                "advance_count": 5,
                "aspects": _aspects(PRESENTATION_ASPECTS),
            },
            {
                "order": 3,
                "kind": "field_visit",
                "name": "Verifikasi dan tinjau lapang",
                "starts_on": "2022-11-16",
                "ends_on": "2022-11-25",
                "weight": "50",
                "advance_count": None,
                "aspects": _aspects(FIELD_VISIT_ASPECTS, scale="rubric"),
            },
        ],
    }


# Jawa Timur 2022's winners first (domain brief), then other regencies' rank-1 kecamatan (example).
EXAMPLE_PARTICIPANT_CODES = ["35.10.13", "35.15.13", "35.13.23", "35.79.02", "35.28.04"]
