from django.core.management.base import BaseCommand

from sp2k.demo import signer


class Command(BaseCommand):
    help = (
        "Create a demo certificate authority and signer (labelled CONTOH, not an official certificate) in a "
        "local folder, once; prints the settings that make the portal sign with it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--folder", default=".demo-signer", help="Where to keep them (ignored by git).")

    def handle(self, *args, folder, **options):
        path = signer.write(folder)
        self.stdout.write(self.style.WARNING(f"DEMO signer ({signer.LABEL}): {path}"))
        self.stdout.write(f"  SIGNING_PKCS12_PATH={path} SIGNING_PKCS12_PASSPHRASE={signer.DEMO_PASSPHRASE}")
