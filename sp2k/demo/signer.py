"""A demo certificate authority and signer, so that `make run` shows signed documents.

Both are labelled "CONTOH — bukan sertifikat resmi" in their names: a PDF reader shows that label as the
signer, and nobody trusts this authority but the portal started with it. A province signs with a
certificate from BSrE or its own CA instead (README, "Signed documents").
"""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LABEL = "CONTOH — bukan sertifikat resmi"
CA_NAME = f"SP2K Demo CA ({LABEL})"
SIGNER_NAME = f"Pemprov Jawa Timur ({LABEL})"  # at most 64 characters
DEMO_PASSPHRASE = "contoh-sp2k"  # noqa: S105 - the demo signer's, printed by `make run`
SIGNER_FILE = "signer.p12"
CA_FILE = "ca.pem"


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SP2K portal demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(subject, issuer, public_key, issuer_key, *, ca, days):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CODE_SIGNING]),
            critical=False,
        ).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def build(signer_name=SIGNER_NAME, passphrase=DEMO_PASSPHRASE, days=3650):
    """A CA and a signer it certifies: (PKCS#12 bytes of the signer with the CA, CA certificate PEM).

    Elliptic-curve keys (P-256): generated in milliseconds, so tests make their own authority.
    """
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate(_name(CA_NAME), _name(CA_NAME), ca_key.public_key(), ca_key, ca=True, days=days)
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer_cert = _certificate(
        _name(signer_name), ca_cert.subject, signer_key.public_key(), ca_key, ca=False, days=days
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"sp2k-signer",
        signer_key,
        signer_cert,
        [ca_cert],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    return p12, ca_cert.public_bytes(serialization.Encoding.PEM)


def write(folder, passphrase=DEMO_PASSPHRASE):
    """The demo signer in ``folder`` (created once, kept afterwards): returns the PKCS#12 file's path."""
    folder = Path(folder)
    signer_path = folder / SIGNER_FILE
    if signer_path.exists():
        return signer_path
    folder.mkdir(parents=True, exist_ok=True)
    p12, ca_pem = build(passphrase=passphrase)
    (folder / CA_FILE).write_bytes(ca_pem)
    signer_path.write_bytes(p12)
    signer_path.chmod(0o600)
    return signer_path
