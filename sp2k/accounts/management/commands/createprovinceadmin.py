"""Make the first province admin (panitia) of a real deployment: the step between ``load_regions`` and
the first sign-in, without the demo and without the Django admin.

    python manage.py createprovinceadmin 35 --username panitia-jatim --email biro.pem@jatimprov.go.id
    python manage.py createprovinceadmin --province "Jawa Timur" --email ... --send-activation
    PANITIA_PASSWORD=... python manage.py createprovinceadmin 35 --password-from-env PANITIA_PASSWORD

The password is asked twice on the terminal, read from an environment variable, or not set at all:
``--send-activation`` e-mails an activation link (as bulk account creation does) with which the
owner chooses it. Running the command again for the same account changes nothing.
"""

import getpass
import os

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from districts.models.regions import Province
from sp2k.accounts import services
from sp2k.accounts.models import Role, User


def find_province(text):
    """The province with this code ("35", "35.") or name ("Jawa Timur", "Provinsi Jawa Timur"), or None."""
    text = " ".join(text.split()).strip(".")
    name = text[len("provinsi ") :] if text.lower().startswith("provinsi ") else text
    return Province.objects.filter(Q(code=text) | Q(name__iexact=name)).first()


class Command(BaseCommand):
    help = "Create the first province admin (panitia) of a province, given its code or name."

    def add_arguments(self, parser):
        parser.add_argument("province_code", nargs="?", help="the province's code, e.g. 35 (Jawa Timur)")
        parser.add_argument("--province", dest="province_name", help='the province\'s name, e.g. "Jawa Timur"')
        parser.add_argument("--username", help="the account's user name (default: panitia-<province name>)")
        parser.add_argument("--email", default="", help="the admin's e-mail address (needed for --send-activation)")
        parser.add_argument(
            "--full-name", default="", help="the name shown in the portal (default: Panitia <province>)"
        )
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--password-from-env", metavar="VAR", help="read the password from this environment variable"
        )
        secret.add_argument(
            "--send-activation",
            action="store_true",
            help="set no password: e-mail an activation link (at SITE_URL) with which the owner chooses one",
        )
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="never ask anything on the terminal"
        )

    def handle(self, *args, province_code=None, province_name=None, **options):
        given = province_code or province_name
        if not given or (province_code and province_name):
            raise CommandError('Give the province\'s code (e.g. 35) or its name (--province "Jawa Timur"), not both.')
        province = find_province(given)
        if province is None:
            hint = (
                "The region data is not loaded yet: run `python manage.py load_regions` first."
                if not Province.objects.exists()
                else "See `python manage.py load_regions` for the list, or the portal's Regions page."
            )
            raise CommandError(f"No province has the code or name “{given}”. {hint}")
        username = options["username"] or f"panitia-{slugify(province.name)}"
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return self._existing(existing, province)
        user = User(
            username=username,
            email=options["email"].strip(),
            full_name=options["full_name"].strip() or f"Panitia {province.name}",
            role=Role.PROVINCE_ADMIN,
            province=province,
        )
        if options["send_activation"]:
            if not user.email:
                raise CommandError("--send-activation needs the admin's address: add --email.")
            with transaction.atomic():
                self._validate(user)
                services.create_account(user, build_absolute_uri=lambda path: settings.SITE_URL + path)
            self.stdout.write(
                self.style.SUCCESS(f"Created {username}, province admin of {province.name} ({province.code}).")
            )
            self.stdout.write(
                f"An activation link was e-mailed to {user.email}; it is valid for "
                f"{settings.PASSWORD_RESET_TIMEOUT // 86400} days."
            )
            return
        password = self._password(user, options)
        with transaction.atomic():
            user.set_password(password)
            self._validate(user)
            user.save()
        self.stdout.write(
            self.style.SUCCESS(f"Created {username}, province admin of {province.name} ({province.code}).")
        )
        self.stdout.write(f"Sign in at {settings.SITE_URL}/ with the user name {username}.")

    def _existing(self, user, province):
        if user.role == Role.PROVINCE_ADMIN and user.province_id == province.code:
            self.stdout.write(
                f"{user.username} is already a province admin of {province.name}: nothing changed. "
                f"(To set its password: python manage.py changepassword {user.username})"
            )
            return
        role = user.get_role_display() or ("technical administrator" if user.is_superuser else "no role")
        raise CommandError(
            f"The user name {user.username} is taken by another account ({role}); nothing changed. "
            "Choose another one with --username."
        )

    def _validate(self, user):
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            ) from None

    def _password(self, user, options):
        variable = options["password_from_env"]
        if variable:
            password = os.environ.get(variable, "")
            if not password:
                raise CommandError(f"The environment variable {variable} is empty or not set.")
            return self._checked(password, user)
        if not options["interactive"]:
            raise CommandError("Without a terminal, give --password-from-env VAR or --send-activation.")
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                return self._checked(password, user)
            except CommandError as error:
                self.stderr.write(str(error))

    def _checked(self, password, user):
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("The password is refused: " + " ".join(error.messages)) from None
        return password
