"""Digital signatures (chữ ký số) on issued PDFs: PAdES baseline (B-B) with pyHanko.

* ``office_signer(settings)``: the office's certificate, a PKCS#12 file (``.p12``/``.pfx``) and its
  password (``OCOP_SIGNING_CERT`` with ``OCOP_SIGNING_PASSWORD`` or ``OCOP_SIGNING_PASSWORD_FILE``),
  loaded once per process; None where none is configured. A wrong password, an unreadable file, a
  file without a private key, or a certificate out of its validity period raise one
  ``SigningUnavailable`` naming the file, before anything is written.
* ``sign_pdfs(signer, jobs, location)``: signs a batch of PDFs in place (each rewritten atomically:
  an invisible signature field, SHA-256, the certificate chain embedded; reason and location in
  Vietnamese).
* ``check_signature(path, trust_roots)``: whether a PDF is signed, whether the signed bytes are
  intact and cover the whole file, who signed and when, whether the signer's certificate chains to
  one of ``trust_roots`` — a ``SignatureCheck`` whose ``problem`` says in Vietnamese what is wrong
  (``message``: the same, naming the file).

Only software certificates (PKCS#12 files) are supported: a USB token (PKCS#11) is not.
The sample ships a test certificate (``SAMPLE_CERT``, ``SAMPLE_CA``, ``SAMPLE_PASSWORD``; made by
``scripts/make_test_certificate.py``) with no legal value, for tests and the demo.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import io
import logging
from collections.abc import Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from cryptography.x509.oid import NameOID

from ocop.documents.staging import write_atomic
from ocop.errors import DocumentError
from ocop.settings import packaged

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

    from ocop.settings import Settings

SAMPLE_DIR = packaged("ocop.sample") / "chung-thu-thu-nghiem"
SAMPLE_CERT = SAMPLE_DIR / "ubnd-luc-nam.p12"   # test certificate: no legal value
SAMPLE_CA = SAMPLE_DIR / "ca-thu-nghiem.pem"    # its test CA: the trust root of the demo's signatures
SAMPLE_PASSWORD = "ocop-thu-nghiem"

REASON = "Ban hành văn bản"
FIELD = "ChuKySo"   # the signature field's name (invisible: no appearance on the page)
CONFIGURE = ("đặt biến OCOP_SIGNING_CERT là đường dẫn tới tệp chứng thư số PKCS#12 (.p12/.pfx) của cơ quan, "
             "và OCOP_SIGNING_PASSWORD (hoặc OCOP_SIGNING_PASSWORD_FILE) là mật khẩu của tệp")
NOT_SIGNED = "chưa được ký số"  # SignatureCheck.problem of a PDF that carries no signature
UNSIGNED = f"Các bản PDF chưa được ký số: chưa cấu hình chứng thư số của cơ quan — {CONFIGURE}."
RESERVE = 4096      # bytes of a signature's container beyond its certificates (signature, attributes: ≈ 1 KB)
# key usages a document signature may rest on: either suffices
KEY_USAGE = frozenset({"digital_signature", "non_repudiation"})

T = TypeVar("T")


class SigningUnavailable(DocumentError):
    """The configured certificate cannot sign: wrong password, unreadable file, expired…"""


@dataclass(frozen=True, slots=True)
class OfficeSigner:
    """The office's certificate, loaded: who signs, until when, and pyHanko's signer."""

    path: Path
    name: str              # the certificate's common name
    valid_from: datetime
    valid_until: datetime
    chain: tuple[x509.Certificate, ...]   # the other certificates in the file (its CAs)
    # hex digits kept for the signature (CMS: certificates, signed attributes, the signature; two per byte):
    # a fixed size spares pyHanko a trial signature per PDF to measure it
    reserve: int
    signer: SimpleSigner = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SignJob:
    """One PDF to sign in place, with the reason its signature states."""

    path: Path
    reason: str = REASON


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """What a PDF's signatures say. ``intact``: every signature's bytes are unchanged, its
    cryptography valid, and the last one covers the whole file; ``trusted``: every signer's
    certificate chains to a trust root and is valid now. ``problem``: what is wrong, without the file's
    name (a report names it: "chưa được ký số"); "" when all is well."""

    path: Path
    signed: bool
    intact: bool
    trusted: bool
    signer: str = ""
    signed_at: datetime | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted

    @property
    def message(self) -> str:
        """The problem as one sentence naming the file; "" when all is well."""
        return f"Tệp '{self.path}': {self.problem}." if self.problem else ""


# --- loading the office's certificate ---------------------------------------------------------------

def office_signer(settings: Settings) -> OfficeSigner | None:
    """The configured certificate, loaded (cached per process), or None where none is configured."""
    if settings.signing_cert is None:
        return None
    return load_signer(settings.signing_cert, _password(settings))


def _password(settings: Settings) -> str:
    if settings.signing_password or settings.signing_password_file is None:
        return settings.signing_password
    where = settings.signing_password_file
    try:
        return where.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise SigningUnavailable(f"Không đọc được tệp mật khẩu chứng thư số '{where}' "
                                 f"(OCOP_SIGNING_PASSWORD_FILE): {_reason(exc)}.") from exc


def load_signer(path: Path, password: str, now: datetime | None = None) -> OfficeSigner:
    """Load a PKCS#12 file; refuse, naming it, what cannot sign at ``now`` (default: the present)."""
    path = Path(path).expanduser().resolve()
    try:
        stat = path.stat()
    except OSError as exc:
        raise SigningUnavailable(f"Không đọc được tệp chứng thư số '{path}' (OCOP_SIGNING_CERT): "
                                 f"{_reason(exc)}.") from exc
    signer = _load(path, stat.st_mtime_ns, stat.st_size, password)
    moment = now or datetime.now(UTC)
    if moment < signer.valid_from:
        raise SigningUnavailable(
            f"Chứng thư số '{path}' ({signer.name}) chưa có hiệu lực: hiệu lực từ "
            f"{signer.valid_from:%d/%m/%Y}. Chưa ký được văn bản nào; dùng chứng thư đang còn hiệu lực.")
    if moment > signer.valid_until:
        raise SigningUnavailable(
            f"Chứng thư số '{path}' ({signer.name}) đã hết hạn ngày {signer.valid_until:%d/%m/%Y}. "
            "Chưa ký được văn bản nào; gia hạn chứng thư với tổ chức cung cấp dịch vụ chứng thực, rồi "
            "chạy lại lệnh.")
    return signer


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int, size: int, password: str) -> OfficeSigner:
    """Parsed once per file version and password (the key includes the file's mtime and size)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningUnavailable(f"Không đọc được tệp chứng thư số '{path}' (OCOP_SIGNING_CERT): "
                                 f"{_reason(exc)}.") from exc
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, password.encode("utf-8") or None)
    except ValueError as exc:
        if _is_pkcs12(data):
            said = "sai mật khẩu" if password else "tệp có mật khẩu nhưng chưa đặt mật khẩu"
            raise SigningUnavailable(
                f"Không mở được tệp chứng thư số '{path}': {said} (OCOP_SIGNING_PASSWORD hoặc "
                "OCOP_SIGNING_PASSWORD_FILE). Chưa ghi gì; sửa mật khẩu rồi chạy lại lệnh.") from exc
        raise SigningUnavailable(
            f"Tệp chứng thư số '{path}' không phải tệp PKCS#12 (.p12/.pfx) hợp lệ. Chỉ hỗ trợ chứng thư "
            "số dạng tệp PKCS#12; chữ ký số trên thiết bị USB (token) chưa được hỗ trợ.") from exc
    if key is None or cert is None:
        raise SigningUnavailable(f"Tệp chứng thư số '{path}' không chứa khóa bí mật và chứng thư của người ký: "
                                 "cần tệp PKCS#12 xuất kèm khóa bí mật.")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningUnavailable(f"Khóa trong tệp chứng thư số '{path}' không phải khóa RSA hay ECDSA: chưa hỗ trợ "
                                 "loại khóa này.")
    try:
        simple = _signer(key, cert, others)
    except (ValueError, TypeError) as exc:
        raise SigningUnavailable(f"Không dùng được khóa trong tệp chứng thư số '{path}': {_reason(exc)}.") from exc
    return OfficeSigner(path=path, name=_common_name(cert), valid_from=cert.not_valid_before_utc,
                        valid_until=cert.not_valid_after_utc, chain=tuple(others), signer=simple,
                        reserve=2 * (RESERVE + sum(len(c.public_bytes(Encoding.DER)) for c in (cert, *others))))


def _signer(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, cert: x509.Certificate,
            others: list[x509.Certificate]) -> SimpleSigner:
    """pyHanko's SimpleSigner, keeping the loaded private key: its own ``sign_raw`` loads (and checks) the key
    again for every signature — twice per PDF with the size estimate, ≈ 35 ms each for RSA 2048."""
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):  # what VN CAs issue
                return key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
            return super().sign_raw(data, digest_algorithm)

    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]  # pyHanko leaves its __init__ unannotated
    for other in others:
        store.register(translate_pyca_cryptography_cert_to_asn1(other))
    return KeptKeySigner(signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
                         signing_key=translate_pyca_cryptography_key_to_asn1(key), cert_registry=store)


def _is_pkcs12(data: bytes) -> bool:
    """The bytes are a PKCS#12 structure (so a failure to open it is the password's)."""
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return bool(pfx["auth_safe"]["content_type"].native)
    except (ValueError, TypeError, KeyError):
        return False


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else cert.subject.rfc4514_string()
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def trust_roots(settings: Settings) -> tuple[x509.Certificate, ...]:
    """The certificates signatures are checked against: the files OCOP_SIGNING_TRUST names, else the
    CA certificates inside the office's own PKCS#12 file; () where neither is configured."""
    if settings.signing_trust:
        return load_certificates(settings.signing_trust)
    signer = office_signer(settings)
    return signer.chain if signer is not None else ()


def load_certificates(paths: Iterable[Path]) -> tuple[x509.Certificate, ...]:
    """Certificates from PEM (one or more per file) or DER files; an unreadable file is named."""
    found: list[x509.Certificate] = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
            found += (x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data
                      else [x509.load_der_x509_certificate(data)])
        except (OSError, ValueError) as exc:
            raise SigningUnavailable(f"Không đọc được chứng thư tin cậy '{path}' (OCOP_SIGNING_TRUST): "
                                     f"{_reason(exc)}. Cần tệp chứng thư PEM hoặc DER.") from exc
    return tuple(found)


# --- signing --------------------------------------------------------------------------------------------

def sign_pdfs(signer: OfficeSigner, jobs: Sequence[SignJob], location: str) -> None:
    """Sign each PDF in place (rewritten atomically); all in one event loop. A PDF that cannot be
    signed raises DocumentError naming it (those signed before it stay signed)."""
    if jobs:
        _run(_sign_all(signer, jobs, location))


async def _sign_all(signer: OfficeSigner, jobs: Sequence[SignJob], location: str) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

    for job in jobs:
        meta = PdfSignatureMetadata(field_name=FIELD, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
                                    name=signer.name, reason=job.reason, location=location)
        try:
            data = job.path.read_bytes()
            writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
            out = io.BytesIO()
            await PdfSigner(meta, signer.signer).async_sign_pdf(writer, output=out, bytes_reserved=signer.reserve)
        except (OSError, PdfError, SigningError, ValueError) as exc:
            raise DocumentError(f"Không ký số được tệp PDF '{job.path}': {_reason(exc)}.") from exc
        write_atomic(job.path, out.getvalue())


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from synchronous code, also where an event loop is running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


# --- checking -------------------------------------------------------------------------------------------

def check_signature(path: Path, trust_roots: Sequence[x509.Certificate], data: bytes | None = None) -> SignatureCheck:
    """Check every signature in ``path`` against ``trust_roots`` (no network: revocation is not fetched).
    ``data``: the file's bytes when already read (a member of a ZIP packet, ``path`` its name)."""
    with _quiet():
        return _run(_check(Path(path), tuple(trust_roots), data))


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pyHanko logs a warning with a traceback for a chain it cannot build; the check says it in its problem."""
    logger = logging.getLogger("pyhanko.sign.validation.generic_cms")
    keep = _AtLeast(logging.ERROR)
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


class _AtLeast(logging.Filter):
    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


async def _check(path: Path, roots: tuple[x509.Certificate, ...], data: bytes | None) -> SignatureCheck:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.validation import SignatureCoverageLevel, async_validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        return SignatureCheck(path, False, False, False, problem=f"không đọc được tệp: {_reason(exc)}")
    # what pyHanko raises on a damaged file or signature (its ValueErrorWithMessage is a ValueError)
    unreadable = (PdfError, SigningError, SignatureValidationError, ValueError, KeyError, TypeError, IndexError)
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except unreadable as exc:
        return SignatureCheck(path, False, False, False,
                              problem=f"tệp hỏng hoặc không phải PDF, không đọc được chữ ký số: {_reason(exc)}")
    if not signatures:
        return SignatureCheck(path, False, False, False, problem=NOT_SIGNED)
    anchors = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in roots]
    usage = KeyUsageConstraints(key_usage=set(KEY_USAGE), match_all_key_usages=False)
    intact = trusted = True
    names: list[str] = []
    signed_at: datetime | None = None
    problems: list[str] = []
    for i, sig in enumerate(signatures):
        context = ValidationContext(trust_roots=anchors, allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = await async_validate_pdf_signature(sig, signer_validation_context=context,
                                                        key_usage_settings=usage)
        except unreadable as exc:
            return SignatureCheck(path, True, False, False, problem=(
                f"chữ ký số hỏng, không kiểm tra được ({_reason(exc)}): tệp đã bị sửa sau khi ký"))
        if (not status.trusted and getattr(status.trust_problem_indic, "name", "") in EXPIRED_AFTER
                and status.signer_reported_dt is not None):
            # a certificate that expired after the document was signed: the signature is judged at its
            # signing time (B-B has no timestamp: the signer's stated time, within the certificate's
            # validity; the register's SHA-256, recorded at issue, backs the file itself)
            then = ValidationContext(trust_roots=anchors, allow_fetching=False, revocation_mode="soft-fail",
                                     moment=status.signer_reported_dt)
            with contextlib.suppress(*unreadable):
                status = await async_validate_pdf_signature(sig, signer_validation_context=then,
                                                            key_usage_settings=usage)
        name = _asn1_common_name(status.signing_cert)
        names += [name] if name not in names else []
        signed_at = status.signer_reported_dt or signed_at
        if not (status.intact and status.valid):
            intact = False
            problems.append(f"chữ ký số của {name} không còn khớp với nội dung: tệp đã bị sửa sau khi ký")
        elif i == len(signatures) - 1 and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            intact = False
            problems.append(f"có phần được thêm vào sau khi {name} ký số, không được chữ ký bảo đảm")
        if not status.trusted:
            trusted = False
            if status.intact and status.valid:
                problems.append(_untrusted(name, status.trust_problem_indic, bool(anchors)))
    return SignatureCheck(path, True, intact, trusted, ", ".join(names), signed_at, "; ".join(problems))


# pyHanko's indications for a certificate no longer valid now (validated again at the signing time)
EXPIRED_AFTER = ("EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED")


def _untrusted(name: str, indication: object, configured: bool) -> str:
    why = getattr(indication, "name", "")
    if not configured:
        return (f"chữ ký số của {name} nguyên vẹn nhưng chưa kiểm tra được nguồn gốc: chưa cấu hình chứng thư tin cậy "
                "(OCOP_SIGNING_TRUST)")
    if why in EXPIRED_AFTER:
        return f"chứng thư số của {name} đã hết hạn trước thời điểm ký"
    if why == "NOT_YET_VALID":
        return f"chứng thư số của {name} chưa có hiệu lực"
    if why.startswith("REVOKED"):
        return f"chứng thư số của {name} đã bị thu hồi"
    if why in ("SIG_CONSTRAINTS_FAILURE", "CHAIN_CONSTRAINTS_FAILURE"):
        return f"chứng thư số của {name} không được phép dùng để ký văn bản"
    return (f"chữ ký số của {name} nguyên vẹn nhưng chứng thư của người ký không do tổ chức chứng thực được tin cậy "
            "cấp (OCOP_SIGNING_TRUST)")


def _asn1_common_name(cert: asn1_x509.Certificate) -> str:
    native = cert.subject.native
    return str(native.get("common_name") or cert.subject.human_friendly)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return (str(exc) or type(exc).__name__).rstrip(". ")
