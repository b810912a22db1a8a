"""The sample's test certificate: a test CA and the signing certificate it issues, for tests and demos only.

    python scripts/make_test_certificate.py [--out ocop/sample/chung-thu-thu-nghiem]

Writes ``ubnd-luc-nam.p12`` (PKCS#12: the signing key, its certificate and the CA's, encrypted
with PASSWORD) and ``ca-thu-nghiem.pem`` (the test CA's certificate: the trust root that verifies
the demo's signatures). Both subjects say, in Vietnamese, that they are test certificates with no
legal value (the mark is the organisational unit; names are capped at 64 bytes). RSA 2048 keys,
SHA-256, valid from 2020 to the end of 2046. Run once; the files are
committed (running it again makes new keys, and PDFs signed before no longer verify against the
new CA).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ocop.documents.signing import SAMPLE_CA, SAMPLE_CERT, SAMPLE_PASSWORD

MARK = "CHỨNG THƯ THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
OFFICE = "UBND huyện Lục Nam"
# common names hold at most 64 bytes (UTF-8): the full mark is the organisational unit of both
SIGNER_NAME = f"{OFFICE} — THỬ NGHIỆM"
CA_NAME = "CA THỬ NGHIỆM OCOP — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(2046, 12, 31, 23, 59, 59, tzinfo=UTC)


def _name(common: str, unit: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Bắc Giang"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Lục Nam"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, OFFICE),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make(out: Path) -> tuple[Path, Path]:
    ca_key, key = _key(), _key()
    ca_name = _name(CA_NAME, MARK)
    ca = (x509.CertificateBuilder()
          .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder()
            .subject_name(_name(SIGNER_NAME, MARK)).issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    out.mkdir(parents=True, exist_ok=True)
    p12 = out / SAMPLE_CERT.name
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        OFFICE.encode("utf-8"), key, cert, [ca],
        serialization.BestAvailableEncryption(SAMPLE_PASSWORD.encode("utf-8"))))
    pem = out / SAMPLE_CA.name
    pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return p12, pem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLE_CERT.parent)
    args = parser.parse_args()
    for path in make(args.out):
        print(path)


if __name__ == "__main__":
    main()
