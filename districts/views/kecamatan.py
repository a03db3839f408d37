"""The kecamatan's own pages (profile, innovations, photos) and the public innovation catalogue.

Every view names its rule (districts/rules.py). The kecamatan is taken from the URL and looked up
once; an innovation or photo is always looked up within that kecamatan, so another kecamatan's
numbers in a URL give 404, never its data.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import RedirectView, TemplateView

from assessments.domain.evidence import public_evidence_of_innovation
from districts.domain import kecamatan as services
from districts.domain.images import MAX_IMAGE_BYTES
from districts.forms import (
    CatalogueFilterForm,
    DistrictProfileForm,
    InnovationFigureFormSet,
    InnovationForm,
    InnovationPhotoForm,
)
from districts.models import District, DistrictProfile, Innovation, InnovationPhoto
from districts.queries import kecamatan as selectors
from sp2k.files import serve_image
from sp2k.permissions import PermissionRequiredMixin
from sp2k.uploads import UploadLimitMixin

# --- the kecamatan's own pages ---


class OwnKecamatanView(PermissionRequiredMixin, RedirectView):
    """ "My kecamatan": the profile page of the signed-in camat's or operator's kecamatan."""

    permission_required = "districts.open_own_kecamatan"

    def get_redirect_url(self, *args, **kwargs):
        # A superuser passes every permission but has no kecamatan of its own.
        if not self.request.user.district_id:
            raise Http404
        return reverse("kecamatan:profile", args=[self.request.user.district_id])


class KecamatanMixin(PermissionRequiredMixin):
    """A page of one kecamatan (``code`` in the URL); the kecamatan is the permission object."""

    @cached_property
    def district(self):
        try:
            return selectors.district_for_workspace(self.kwargs["code"])
        except District.DoesNotExist:
            raise Http404 from None

    def get_permission_object(self):
        return self.district

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            district=self.district,
            can_edit_profile=user.has_perm("districts.change_kecamatan_profile", self.district),
            can_add_innovation=user.has_perm("districts.add_kecamatan_innovation", self.district),
            **kwargs,
        )


class ProfileView(KecamatanMixin, TemplateView):
    permission_required = "districts.view_kecamatan_profile"
    template_name = "kecamatan/profile.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=selectors.profile_of(self.district), **kwargs)


# The photo is received and checked outside any transaction (see sp2k.stored_files); the save owns its own.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ProfileEditView(UploadLimitMixin, KecamatanMixin, TemplateView):
    permission_required = "districts.change_kecamatan_profile"
    upload_max_bytes = MAX_IMAGE_BYTES
    template_name = "kecamatan/profile_form.html"

    def get_form(self):
        data = (self.request.POST, self.request.FILES) if self.request.method == "POST" else ()
        return DistrictProfileForm(*data, instance=selectors.profile_of(self.district))

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        services.save_profile(form, request.user)
        messages.success(request, _("The profile is saved."))
        return redirect("kecamatan:profile", code=self.district.code)


class OfficePhotoView(KecamatanMixin, View):
    permission_required = "districts.view_kecamatan_office_photo"

    def get(self, request, *args, **kwargs):
        profile = get_object_or_404(DistrictProfile, district=self.district)
        return serve_image(profile.office_photo, public=False)


class InnovationListView(KecamatanMixin, TemplateView):
    permission_required = "districts.view_kecamatan_innovations"
    template_name = "kecamatan/innovation_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(innovations=selectors.innovations_for_workspace(self.district), **kwargs)


class InnovationFormView(KecamatanMixin, TemplateView):
    """Add (no ``pk``) or change an innovation with its figures."""

    template_name = "kecamatan/innovation_form.html"

    @cached_property
    def innovation(self):
        if "pk" not in self.kwargs:
            return None
        try:
            return selectors.innovation_detail(self.district, self.kwargs["pk"])
        except Innovation.DoesNotExist:
            raise Http404 from None

    def get_permission_required(self):
        if self.innovation is None:
            return ["districts.add_kecamatan_innovation"]
        return ["districts.change_kecamatan_innovation"]

    def get_permission_object(self):
        return self.innovation or self.district

    def get_forms(self):
        data = (self.request.POST,) if self.request.method == "POST" else ()
        instance = self.innovation or Innovation(district=self.district)
        form = InnovationForm(*data, instance=instance, district=self.district)
        figures = InnovationFigureFormSet(*data, instance=instance, prefix="figures")
        return form, figures

    def get(self, request, *args, **kwargs):
        form, figures = self.get_forms()
        return self.render_to_response(self.get_context_data(form=form, figures=figures, innovation=self.innovation))

    def post(self, request, *args, **kwargs):
        form, figures = self.get_forms()
        if not (form.is_valid() and figures.is_valid()):
            context = self.get_context_data(form=form, figures=figures, innovation=self.innovation)
            return self.render_to_response(context, status=400)
        innovation = services.save_innovation(form, figures, request.user)
        if self.innovation is None:
            messages.success(request, _("The innovation is saved. Add photos of it below."))
        else:
            messages.success(request, _("The changes are saved."))
        return redirect("kecamatan:innovation_detail", code=self.district.code, pk=innovation.pk)


class InnovationDetailView(KecamatanMixin, TemplateView):
    """The kecamatan's view of one of its innovations, where its own accounts manage the photos."""

    permission_required = "districts.view_kecamatan_innovations"
    template_name = "kecamatan/innovation_detail.html"

    @cached_property
    def innovation(self):
        try:
            return selectors.innovation_detail(self.district, self.kwargs["pk"])
        except Innovation.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, photo_form=None, **kwargs):
        innovation = self.innovation
        can_edit = self.request.user.has_perm("districts.change_kecamatan_innovation", innovation)
        photos = list(innovation.photos.all())
        return super().get_context_data(
            innovation=innovation,
            photos=photos,
            figures=innovation.figures.all(),
            can_edit=can_edit,
            can_add_photo=can_edit and len(photos) < services.MAX_PHOTOS_PER_INNOVATION,
            max_photos=services.MAX_PHOTOS_PER_INNOVATION,
            photo_form=photo_form or (InnovationPhotoForm() if can_edit else None),
            **kwargs,
        )


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class InnovationPhotoAddView(UploadLimitMixin, InnovationDetailView):
    permission_required = "districts.change_kecamatan_innovation"
    upload_max_bytes = MAX_IMAGE_BYTES
    http_method_names = ["post"]

    def get_permission_object(self):
        return self.innovation

    def post(self, request, *args, **kwargs):
        form = InnovationPhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(photo_form=form), status=400)
        try:
            services.add_innovation_photo(self.innovation, form, request.user)
        except services.PhotoLimitReached:
            limit = {"max": services.MAX_PHOTOS_PER_INNOVATION}
            form.add_error(None, _("An innovation has at most %(max)s photos.") % limit)
            return self.render_to_response(self.get_context_data(photo_form=form), status=400)
        messages.success(request, _("The photo is added."))
        return redirect("kecamatan:innovation_detail", code=self.district.code, pk=self.innovation.pk)


class InnovationPhotoDeleteView(KecamatanMixin, View):
    permission_required = "districts.change_kecamatan_innovation"
    http_method_names = ["post"]

    @cached_property
    def photo(self):
        return get_object_or_404(
            InnovationPhoto.objects.select_related("innovation"),
            pk=self.kwargs["photo"],
            innovation__pk=self.kwargs["pk"],
            innovation__district=self.district,
        )

    def get_permission_object(self):
        return self.photo.innovation

    def post(self, request, *args, **kwargs):
        innovation = self.photo.innovation
        services.delete_innovation_photo(self.photo)
        messages.success(request, _("The photo is removed."))
        return redirect("kecamatan:innovation_detail", code=self.district.code, pk=innovation.pk)


# --- the public catalogue ---


class CatalogueView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "catalogue/list.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        form = CatalogueFilterForm(
            params,
            provinces=selectors.catalogue_provinces(),
            regencies=selectors.catalogue_regencies(params.get("province")),
            years=selectors.catalogue_years(),
        )
        if not form.is_valid():
            # An invalid filter is said, with nothing listed: never "everything" as if it were the answer.
            return super().get_context_data(
                form=form, invalid_filters=True, filtered=True, filters_open=form.more_filters_invalid, **kwargs
            )
        filters = form.filters()
        paginator = Paginator(selectors.catalogue(filters), selectors.CATALOGUE_PAGE_SIZE)
        page = paginator.get_page(params.get("page"))
        return super().get_context_data(
            form=form,
            invalid_filters=False,
            filtered=bool(filters),
            filters_open=bool(set(filters) - {"q"}),
            page_obj=page,
            innovations=page.object_list,
            page_range=paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            **kwargs,
        )


class CatalogueDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "catalogue/detail.html"

    def get_context_data(self, **kwargs):
        try:
            innovation = selectors.public_innovation(self.kwargs["pk"])
        except Innovation.DoesNotExist:
            raise Http404 from None

        return super().get_context_data(
            innovation=innovation,
            photos=list(innovation.photos.all()),
            figures=innovation.figures.all(),
            public_evidence=list(public_evidence_of_innovation(innovation)),
            **kwargs,
        )


class PhotoView(PermissionRequiredMixin, View):
    """A photo of an innovation: public once the innovation is published, else for those who may see it."""

    permission_required = "districts.view_kecamatan_innovation"

    @cached_property
    def photo(self):
        try:
            return selectors.photo_for_serving(self.kwargs["pk"])
        except InnovationPhoto.DoesNotExist:
            raise Http404 from None

    def get_permission_object(self):
        return self.photo

    def get(self, request, *args, **kwargs):
        return serve_image(self.photo.image, public=self.photo.innovation.is_published)
