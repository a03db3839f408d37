"""The demo edition's decree: the number, title and date of Jawa Timur's 2022 decree (public record),
signed by a fictional governor: example data must not put a real person's name under a document."""

from datetime import date

from assessments.models import Decree

DEMO_TITLE = "Penetapan Juara Sinergitas Penyelenggaraan Pemerintahan di Kecamatan Provinsi Jawa Timur Tahun 2022"
DEMO_CONSIDERATIONS = [
    "bahwa dalam rangka meningkatkan sinergitas penyelenggaraan pemerintahan di kecamatan serta kualitas "
    "pelayanan kepada masyarakat, perlu diberikan penghargaan kepada kecamatan yang berprestasi;",
    "bahwa berdasarkan hasil penilaian Tim Penilai Sinergitas Penyelenggaraan Pemerintahan di Kecamatan "
    "Provinsi Jawa Timur Tahun 2022, telah ditetapkan kecamatan yang memperoleh nilai tertinggi;",
    "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
    "Keputusan Gubernur tentang Penetapan Juara Sinergitas Penyelenggaraan Pemerintahan di Kecamatan "
    "Provinsi Jawa Timur Tahun 2022;",
]
DEMO_LEGAL_BASES = [
    "Undang-Undang Nomor 2 Tahun 1950 tentang Pembentukan Provinsi Djawa Timur sebagaimana telah diubah "
    "dengan Undang-Undang Nomor 18 Tahun 1950 tentang Mengadakan Perubahan dalam Undang-Undang Tahun 1950 "
    "Nomor 2 dari hal Pembentukan Provinsi Djawa Timur;",
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali diubah, "
    "terakhir dengan Undang-Undang Nomor 9 Tahun 2015 tentang Perubahan Kedua atas Undang-Undang Nomor 23 "
    "Tahun 2014 tentang Pemerintahan Daerah;",
    "Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan;",
]
DEMO_SIGNATORY_OFFICE = "GUBERNUR JAWA TIMUR"
DEMO_SIGNATORY_NAME = "NAMA GUBERNUR (CONTOH)"
# Illustrative amounts only (the real decree's amounts are not part of the demo's sources).
DEMO_AMOUNTS = {
    "Juara I": 50_000_000,
    "Juara II": 40_000_000,
    "Juara III": 30_000_000,
    "Juara Harapan I": 20_000_000,
    "Juara Harapan II": 15_000_000,
}


def create_demo_decree(edition):
    """The 2022 decree's fields for the demo edition (F4 paper). Idempotent: an existing decree is kept,
    its signatory made the fictional one (earlier demos named the real governor)."""
    decree, _created = Decree.objects.get_or_create(
        edition=edition,
        defaults={
            "number": "188/966/KPTS/013/2022",
            "title": DEMO_TITLE,
            "place": "Surabaya",
            "date": date(2022, 12, 21),
            "signatory_office": DEMO_SIGNATORY_OFFICE,
            "signatory_name": DEMO_SIGNATORY_NAME,
            "considerations": DEMO_CONSIDERATIONS,
            "legal_bases": DEMO_LEGAL_BASES,
            "amounts": DEMO_AMOUNTS,
            "page_size": Decree.PageSize.F4,
        },
    )
    if decree.signatory_name != DEMO_SIGNATORY_NAME:
        Decree.objects.filter(pk=decree.pk).update(signatory_name=DEMO_SIGNATORY_NAME)
        decree.signatory_name = DEMO_SIGNATORY_NAME
    return decree
