"""Demo profiles and innovations of the 2022 Jawa Timur winners and of Margahayu (Jawa Barat).

Margahayu's innovation names are real (presented to Jawa Barat's assessment team in 2018, see the
domain brief); their descriptions, every other kecamatan's innovations, the camat's names and NIPs
and all figures are examples, and say so. Never for production data.
"""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from districts.models import (
    District,
    DistrictProfile,
    Innovation,
    InnovationCategory,
    InnovationPhoto,
    InnovationStatus,
)

EXAMPLE_NOTE = "(Contoh untuk demo portal; bukan data resmi.)"
MARGAHAYU_NOTE = "(Nama inovasi nyata, dipaparkan pada penilaian Jawa Barat 2018; uraiannya contoh untuk demo.)"

# The camat's name is a person's (fictional): letters print "Camat <kecamatan> (<name>)".
# code: (camat's name, NIP, address, phone, area km², population, description)
DEMO_PROFILES = {
    "35.10.13": (
        "Bagus Wicaksono, S.STP., M.Si. (contoh)",
        "197805122003121003",
        "Jl. Raya Rogojampi No. 1, Rogojampi, Banyuwangi",
        "0333 631000",
        "102.33",
        96000,
        "Kecamatan di tengah Kabupaten Banyuwangi, Juara I SP2K 2022.",
    ),
    "35.15.13": (
        "Dwi Hartanto, S.Sos., M.M. (contoh)",
        "198001152005011002",
        "Jl. Raya Taman No. 2, Taman, Sidoarjo",
        "031 7880000",
        "31.54",
        240000,
        "Kecamatan padat penduduk di perbatasan Surabaya, Juara II SP2K 2022.",
    ),
    "35.13.23": (
        "Sri Wahyuningsih, S.H. (contoh)",
        "197911032006041001",
        "Jl. Raya Tongas, Probolinggo",
        "0335 510000",
        "77.98",
        70000,
        "Kecamatan pesisir di Kabupaten Probolinggo, Juara III SP2K 2022.",
    ),
    "35.79.02": (
        "Agung Prasetyo, S.STP. (contoh)",
        "198203212008011004",
        "Jl. Raya Bumiaji, Kota Batu",
        "0341 590000",
        "130.19",
        60000,
        "Kecamatan sentra apel dan wisata di Kota Batu, Juara Harapan I SP2K 2022.",
    ),
    "35.28.04": (
        "Moh. Fauzi Rahman, S.Sos. (contoh)",
        "197706182002121002",
        "Jl. Jokotole, Pamekasan",
        "0324 320000",
        "26.47",
        90000,
        "Kecamatan ibu kota Kabupaten Pamekasan, Juara Harapan II SP2K 2022.",
    ),
    "32.04.09": (
        "Asep Suryana, S.IP., M.Si. (contoh)",
        "197509101998031005",
        "Jl. Terusan Kopo, Margahayu, Kabupaten Bandung",
        "022 5400000",
        "10.54",
        130000,
        "Kecamatan di Kabupaten Bandung, peserta Penilaian Sinergitas Kinerja Kecamatan Jawa Barat 2018.",
    ),
}

C, S = InnovationCategory, InnovationStatus
# code: [(name, category, start year, status, idea, partners, results, [(label, value, unit)])]
DEMO_INNOVATIONS = {
    "32.04.09": [
        (
            "SICG — Smart Innovation Collaborative Governance",
            C.GOVERNANCE,
            2017,
            S.RUNNING,
            "Kerangka kolaborasi kecamatan, desa, dunia usaha dan warga untuk setiap program.",
            "Pemerintah desa, perguruan tinggi, dunia usaha",
            "Program disusun dan dipantau bersama.",
            [("Mitra yang bergabung", 24, "lembaga")],
        ),
        (
            "Smart Public Service",
            C.PUBLIC_SERVICE,
            2017,
            S.RUNNING,
            "Layanan daring, layanan bagi penyandang disabilitas, mutu PATEN dan produk unggulan terpadu.",
            "Disdukcapil, DPMPTSP",
            "Waktu layanan PATEN lebih singkat.",
            [("Layanan daring per bulan", 850, "berkas"), ("Rata-rata waktu layanan", 15, "menit")],
        ),
        (
            "MAPS — Margahayu Ayo Pilah Sampah",
            C.ENVIRONMENT,
            2018,
            S.RUNNING,
            "Warga memilah sampah organik dan anorganik dari rumah, dikumpulkan bank sampah RW.",
            "Bank sampah, DLH Kabupaten Bandung, PKK",
            "Sampah yang dibuang ke TPS berkurang.",
            [("Rumah tangga memilah sampah", 1250, "KK"), ("Sampah terpilah", 12.5, "ton/bulan")],
        ),
        (
            "Laboratorium Tata Kelola Pemerintahan Desa dan Kecamatan",
            C.GOVERNANCE,
            2016,
            S.RUNNING,
            "Tempat belajar bersama aparatur desa tentang administrasi dan keuangan desa.",
            "Pemerintah desa, inspektorat",
            "Laporan desa tepat waktu.",
            [],
        ),
        (
            "Margahayu Fair",
            C.ECONOMY,
            2017,
            S.RUNNING,
            "Pameran tahunan produk UMKM dan potensi desa (ke-1 dan ke-2).",
            "UMKM, koperasi, sponsor",
            "Penjualan UMKM selama pameran.",
            [("Peserta UMKM", 80, "usaha")],
        ),
        (
            "Kampung Tematik",
            C.SOCIAL,
            2017,
            S.REPLICATED,
            "Setiap RW mengembangkan tema kampung sesuai potensinya.",
            "Karang taruna, RW",
            "",
            [],
        ),
        (
            "Rapat Minggon",
            C.GOVERNANCE,
            2016,
            S.RUNNING,
            "Rapat koordinasi mingguan camat dengan kepala desa dan instansi di kecamatan.",
            "Kepala desa, Polsek, Koramil, Puskesmas",
            "",
            [("Rapat per tahun", 52, "kali")],
        ),
        (
            "Literasi Media Boneka",
            C.EDUCATION,
            2018,
            S.PILOT,
            "Literasi media untuk anak melalui pertunjukan boneka.",
            "Sekolah, PAUD, relawan",
            "",
            [],
        ),
        (
            "Advokasi Jajanan Sehat",
            C.HEALTH,
            2018,
            S.RUNNING,
            "Pendampingan pedagang jajanan agar aman dan sehat.",
            "Puskesmas, sekolah",
            "",
            [],
        ),
        (
            "Sekolah Sehat",
            C.HEALTH,
            2017,
            S.RUNNING,
            "Pembinaan sekolah sehat bersama puskesmas.",
            "Puskesmas, Korwil pendidikan",
            "",
            [],
        ),
        (
            "Pasar Sehat",
            C.HEALTH,
            2018,
            S.PILOT,
            "Penataan pasar agar bersih, tertib dan sehat.",
            "Pengelola pasar, pedagang",
            "",
            [],
        ),
    ],
    "35.10.13": [
        (
            "Rogojampi Melayani Sepenuh Hati (contoh)",
            C.PUBLIC_SERVICE,
            2020,
            S.RUNNING,
            "Layanan administrasi kependudukan jemput bola ke desa.",
            "Dispendukcapil, pemerintah desa",
            "Warga tidak perlu datang ke kantor kecamatan.",
            [("Dokumen terlayani di desa", 3400, "dokumen/tahun")],
        ),
        (
            "Kampung Digital Rogojampi (contoh)",
            C.DIGITAL,
            2021,
            S.RUNNING,
            "Pelatihan pemasaran daring bagi pelaku UMKM desa.",
            "Diskominfo, komunitas TIK",
            "UMKM berjualan daring.",
            [("UMKM terlatih", 210, "usaha")],
        ),
        (
            "Sigap Stunting (contoh)",
            C.HEALTH,
            2022,
            S.PILOT,
            "Pendataan dan pendampingan balita berisiko stunting.",
            "Puskesmas, kader posyandu",
            "",
            [],
        ),
    ],
    "35.15.13": [
        (
            "Taman Cerdas Layanan Online (contoh)",
            C.DIGITAL,
            2019,
            S.RUNNING,
            "Permohonan surat kecamatan lewat aplikasi dan WhatsApp.",
            "Diskominfo Sidoarjo",
            "Antrian di kantor kecamatan berkurang.",
            [("Permohonan daring", 65, "%")],
        ),
        (
            "Bank Sampah Terpadu (contoh)",
            C.ENVIRONMENT,
            2020,
            S.REPLICATED,
            "Bank sampah di setiap desa terhubung dengan pengepul.",
            "DLHK, PKK, pengepul",
            "",
            [],
        ),
        (
            "Forum Sinergi Taman (contoh)",
            C.GOVERNANCE,
            2021,
            S.RUNNING,
            "Forum bulanan kecamatan, desa dan instansi vertikal.",
            "Polsek, Koramil, KUA",
            "",
            [],
        ),
    ],
    "35.13.23": [
        (
            "Tongas Ramah Disabilitas (contoh)",
            C.PUBLIC_SERVICE,
            2021,
            S.RUNNING,
            "Loket prioritas dan pendamping bagi penyandang disabilitas.",
            "Dinas Sosial, organisasi disabilitas",
            "",
            [("Warga disabilitas terlayani", 140, "orang")],
        ),
        (
            "Pesisir Berdaya (contoh)",
            C.ECONOMY,
            2020,
            S.RUNNING,
            "Pengolahan hasil laut oleh kelompok perempuan nelayan.",
            "Dinas Perikanan, koperasi",
            "",
            [],
        ),
    ],
    "35.79.02": [
        (
            "Apel Bumiaji Go Digital (contoh)",
            C.ECONOMY,
            2021,
            S.RUNNING,
            "Penjualan apel dan olahan apel melalui lokapasar.",
            "Petani apel, Dinas Pertanian",
            "",
            [("Petani terlibat", 95, "orang")],
        ),
        (
            "Desa Wisata Terpadu (contoh)",
            C.ECONOMY,
            2019,
            S.RUNNING,
            "Paket wisata bersama antar desa di lereng Arjuno.",
            "Pokdarwis, Dinas Pariwisata",
            "",
            [],
        ),
    ],
    "35.28.04": [
        (
            "Pamekasan Tertib Administrasi (contoh)",
            C.GOVERNANCE,
            2020,
            S.RUNNING,
            "Arsip digital administrasi kelurahan dan desa.",
            "Dinas Kearsipan",
            "",
            [],
        ),
        (
            "Layanan Malam Kecamatan (contoh)",
            C.PUBLIC_SERVICE,
            2022,
            S.PILOT,
            "Layanan administrasi pada malam hari bagi warga yang bekerja.",
            "Dispendukcapil",
            "",
            [],
        ),
    ],
}

COLOURS = [(31, 119, 180), (44, 160, 44), (214, 39, 40), (148, 103, 189), (255, 127, 14), (23, 190, 207)]


def demo_png(label, seed=0, size=(480, 320)):
    """A small generated PNG (a few KB): a coloured card with a label."""
    colour = COLOURS[seed % len(COLOURS)]
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([24, 24, size[0] - 24, size[1] - 24], outline=(255, 255, 255), width=6)
    draw.ellipse([size[0] - 140, 50, size[0] - 60, 130], fill=(255, 255, 255))
    draw.text((48, size[1] - 80), label.replace("—", "-")[:40], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name="demo.png")


@transaction.atomic
def create_demo_profiles_and_innovations():
    """Create (or refresh) the demo profiles and innovations; photos are only added where none exist.

    Returns the number of innovations of the demo kecamatan. Kecamatan missing from the region
    data (regions not loaded) are skipped.
    """
    districts = District.objects.in_bulk(list(DEMO_PROFILES))
    total = 0
    for seed, (code, values) in enumerate(DEMO_PROFILES.items()):
        district = districts.get(code)
        if district is None:
            continue
        name, nip, address, phone, area, population, description = values
        profile, _ = DistrictProfile.objects.update_or_create(
            district=district,
            defaults={
                "camat_name": name,
                "camat_nip": nip,
                "address": address,
                "phone": phone,
                "email": f"kecamatan.{district.name.lower()}@example.org",
                "area_km2": area,
                "population": population,
                "description": f"{description} {EXAMPLE_NOTE}",
            },
        )
        if not profile.office_photo:
            profile.office_photo.save("office.png", demo_png(f"Kantor Kecamatan {district.name}", seed))
        note = MARGAHAYU_NOTE if code == "32.04.09" else EXAMPLE_NOTE
        for number, (title, category, year, status, idea, partners, results, figures) in enumerate(
            DEMO_INNOVATIONS[code]
        ):
            innovation, _ = Innovation.objects.update_or_create(
                district=district,
                name=title,
                defaults={
                    "category": category,
                    "start_year": year,
                    "status": status,
                    "problem": f"Masalah yang dijawab oleh {title.split(' — ')[0]}. {note}",
                    "idea": idea,
                    "how_it_works": f"{idea} {note}",
                    "partners": partners,
                    "results": results,
                    "beneficiaries": "Warga kecamatan",
                    # One unpublished innovation per kecamatan shows the difference in the catalogue.
                    "is_published": number != 1 or code == "32.04.09",
                },
            )
            innovation.figures.all().delete()
            innovation.figures.bulk_create(
                [
                    innovation.figures.model(innovation=innovation, label=label, value=value, unit=unit, order=order)
                    for order, (label, value, unit) in enumerate(figures)
                ]
            )
            if not innovation.photos.exists():
                for order in range(2 if number == 0 else 1):
                    photo = InnovationPhoto(innovation=innovation, caption=f"{title} — foto {order + 1}", order=order)
                    photo.image.save("photo.png", demo_png(title, seed + number + order), save=False)
                    photo.save()
            total += 1
    return total
