"""Uploads that never half-happen (issue 11, item 2): a batch of evidence is stored all or none, on disk
too; a file stored for a row that is then not written is removed.

Before: a failure in the middle of a batch (an unexpected error from a parser, or a row that could not
be written) left the good files already written on disk with no row (9 orphans after one batch).
"""
# ruff: noqa: F811 - the fixtures are imported from test_evidence and used as arguments

import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.domain import evidence as services
from assessments.models import EvidenceFile
from districts.domain import kecamatan
from districts.domain.images import clean_image
from districts.forms import DistrictProfileForm, InnovationPhotoForm
from districts.models import DistrictProfile, InnovationPhoto
from districts.queries.kecamatan import profile_of
from tests.assessments.domain.test_evidence import (  # noqa: F401 - fixtures
    desk_indicators,
    indicator,
    open_edition,
    pdf_bytes,
    png_bytes,
    rogojampi_entry,
    upload,
)
from tests.districts.domain.test_innovations import image_bytes, make_innovation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def files_on_disk(media):
    return sorted(p for p in media.rglob("*") if p.is_file())


def five_files():
    return [upload(f"laporan-{n}.pdf", pdf_bytes(f"Laporan {n}")) for n in range(1, 6)]


def test_a_parser_failing_on_the_third_of_five_files_stores_nothing(
    monkeypatch, camat, rogojampi_entry, indicator, media
):
    inspect, calls = services.inspect_file, []

    def third_fails(uploaded, limit):
        calls.append(uploaded.name)
        if len(calls) == 3:
            raise zlib.error("Error -3 while decompressing data: invalid distance too far back")
        return inspect(uploaded, limit)

    monkeypatch.setattr(services, "inspect_file", third_fails)
    with pytest.raises(zlib.error):
        services.add_files(rogojampi_entry, indicator, five_files(), "Laporan", camat)
    assert EvidenceFile.objects.count() == 0
    assert files_on_disk(media) == []


def test_a_row_failing_on_the_third_of_five_files_leaves_no_file_and_no_row(
    monkeypatch, camat, rogojampi_entry, indicator, media
):
    save, saved = EvidenceFile.save, []

    def third_fails(self, *args, **kwargs):
        saved.append(self.file.name)
        if len(saved) == 3:
            assert len(files_on_disk(media)) == 3  # stored: the file comes before its row
            raise OSError("disk full")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceFile, "save", third_fails)
    with pytest.raises(OSError, match="disk full"):
        services.add_files(rogojampi_entry, indicator, five_files(), "Laporan", camat)
    assert EvidenceFile.objects.count() == 0
    assert files_on_disk(media) == []


def test_a_refused_file_is_reported_and_the_acceptable_ones_are_all_stored(camat, rogojampi_entry, indicator, media):
    files = five_files()
    files[2] = upload("virus.pdf", b"MZ" + b"\0" * 100)
    stored, refused = services.add_files(rogojampi_entry, indicator, files, "Laporan", camat)
    assert [name for name, _message in refused] == ["virus.pdf"]
    assert len(stored) == EvidenceFile.objects.count() == 4
    assert len(files_on_disk(media)) == 4


def test_a_replacement_whose_row_fails_leaves_its_file_nowhere(monkeypatch, camat, rogojampi_entry, indicator, media):
    (first,), _refused = services.add_files(rogojampi_entry, indicator, [upload("a.pdf", pdf_bytes())], "", camat)
    before = files_on_disk(media)
    save = EvidenceFile.save

    def new_row_fails(self, *args, **kwargs):
        if self.pk is None:
            raise OSError("disk full")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceFile, "save", new_row_fails)
    with pytest.raises(OSError):
        services.replace_file(first, upload("b.png", png_bytes()), "", camat)
    assert files_on_disk(media) == before
    assert list(EvidenceFile.objects.all()) == [first]


def test_a_replacement_refused_under_the_lock_removes_the_file_it_stored(camat, rogojampi_entry, indicator, media):
    """Replaced meanwhile by someone else: the second replacement is refused and its file goes."""
    (first,), _refused = services.add_files(rogojampi_entry, indicator, [upload("a.pdf", pdf_bytes())], "", camat)
    services.replace_file(first, upload("b.pdf", pdf_bytes("versi 2")), "", camat)
    before = files_on_disk(media)
    with pytest.raises(ValidationError, match="already replaced"):
        services.replace_file(first, upload("c.pdf", pdf_bytes("versi 3")), "", camat)
    assert files_on_disk(media) == before
    assert EvidenceFile.objects.count() == 2


def test_an_innovation_photo_whose_row_fails_after_storing_is_removed(monkeypatch, camat, rogojampi, media):
    innovation = make_innovation(rogojampi)
    form = InnovationPhotoForm({"caption": "Bank sampah"}, {"image": _photo()})
    assert form.is_valid(), form.errors
    save = InnovationPhoto.save

    def fails_after_storing(self, *args, **kwargs):
        save(self, *args, **kwargs)  # stores the file and writes the row (in the function's transaction)
        assert len(files_on_disk(media)) == 1
        raise OSError("connection lost")

    monkeypatch.setattr(InnovationPhoto, "save", fails_after_storing)
    with pytest.raises(OSError):
        kecamatan.add_innovation_photo(innovation, form, camat)
    assert files_on_disk(media) == []
    assert not InnovationPhoto.objects.exists()


def test_an_office_photo_whose_row_fails_keeps_the_old_photo_and_drops_the_new(monkeypatch, camat, rogojampi, media):
    profile = profile_of(rogojampi)
    profile.office_photo.save("kantor.png", clean_image(_photo()), save=False)
    profile.save()
    old, old_name = files_on_disk(media), profile.office_photo.name
    form = DistrictProfileForm({"camat_name": "Drs. Camat"}, {"office_photo": _photo("baru.png")}, instance=profile)
    assert form.is_valid(), form.errors
    save = DistrictProfile.save

    def fails_after_storing(self, *args, **kwargs):
        save(self, *args, **kwargs)
        raise OSError("connection lost")

    monkeypatch.setattr(DistrictProfile, "save", fails_after_storing)
    with pytest.raises(OSError):
        kecamatan.save_profile(form, camat)
    assert files_on_disk(media) == old
    assert DistrictProfile.objects.get(pk=profile.pk).office_photo.name == old_name


def _photo(name="foto.png"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")
