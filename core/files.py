"""Uploads are judged by their content, never by their name or the browser's claim.

`validate_file` is the one gate every upload slot goes through. Beyond size, sniffed type and readability it
refuses two kinds of hostile files:

- PDFs with active content (JavaScript, launch actions, embedded files) and polyglots (a PDF that is at the same
  time a web page or a ZIP archive). Experts and staff open uploads in desktop readers, so such files are refused
  with a message that names the problem, never silently accepted.
- ZIP-based files (docx, xlsx, pptx, zip) that expand far beyond their size ("zip bombs"). The central directory's
  declared sizes are checked before any member is read, and members are then read in chunks, stopping as soon as
  the bytes really expanded pass the bound (declared sizes can lie).

File names (uploads' original names and download names built from organisation names) go through `clean_filename`,
which removes the invisible characters that can disguise a name (right-to-left override and other controls).
"""

import contextlib
import contextvars
import io
import logging
import re
import struct
import unicodedata
import zipfile

import magic
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exceptions import BusinessRuleError

logger = logging.getLogger("saq.files")

SNIFF_BYTES = 4096
MB = 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ZIP = "application/zip"
ZIP_TYPES = frozenset({DOCX, XLSX, PPTX, ZIP})
TYPE_NAMES = {
    PDF: "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    DOCX: "Word (docx)",
    XLSX: "Excel (xlsx)",
    PPTX: "PowerPoint (pptx)",
    ZIP: "ZIP",
}
# What a refused file is, named as people know it (never a raw content type such as "text/plain").
OTHER_TYPE_NAMES = {
    "text/plain": gettext_lazy("plain text"),
    "text/csv": gettext_lazy("CSV table"),
    "text/html": gettext_lazy("HTML web page"),
    "text/xml": gettext_lazy("XML document"),
    "application/xml": gettext_lazy("XML document"),
    "application/json": gettext_lazy("JSON data"),
    "application/rtf": gettext_lazy("RTF document"),
    "text/rtf": gettext_lazy("RTF document"),
    "application/msword": gettext_lazy("Word 97-2003 document (doc)"),
    "application/vnd.ms-excel": gettext_lazy("Excel 97-2003 workbook (xls)"),
    "application/vnd.ms-powerpoint": gettext_lazy("PowerPoint 97-2003 presentation (ppt)"),
    "application/CDFV2": gettext_lazy("Office 97-2003 document"),
    "application/x-ole-storage": gettext_lazy("Office 97-2003 document"),
    "application/vnd.oasis.opendocument.text": gettext_lazy("OpenDocument text (odt)"),
    "application/vnd.oasis.opendocument.spreadsheet": gettext_lazy("OpenDocument spreadsheet (ods)"),
    "application/x-rar": gettext_lazy("RAR archive"),
    "application/vnd.rar": gettext_lazy("RAR archive"),
    "application/x-7z-compressed": gettext_lazy("7-Zip archive"),
    "application/gzip": gettext_lazy("gzip archive"),
    "application/x-tar": gettext_lazy("tar archive"),
    "application/x-dosexec": gettext_lazy("Windows executable program"),
    "application/x-msdownload": gettext_lazy("Windows executable program"),
    "application/x-executable": gettext_lazy("executable program"),
    "application/x-sharedlib": gettext_lazy("executable program"),
    "application/x-mach-binary": gettext_lazy("executable program"),
    "text/x-shellscript": gettext_lazy("script"),
    "text/x-script.python": gettext_lazy("script"),
    "application/javascript": gettext_lazy("script"),
    "image/gif": gettext_lazy("GIF image"),
    "image/bmp": gettext_lazy("BMP image"),
    "image/tiff": gettext_lazy("TIFF image"),
    "image/webp": gettext_lazy("WebP image"),
    "image/heic": gettext_lazy("HEIC photo"),
    "image/svg+xml": gettext_lazy("SVG drawing"),
    "video/mp4": gettext_lazy("MP4 video"),
    "audio/mpeg": gettext_lazy("MP3 audio"),
    "application/octet-stream": gettext_lazy("unrecognised binary data"),
    "inode/x-empty": gettext_lazy("an empty file"),
}


def type_name(mime: str) -> str:
    """A content type as people know it: "PDF", "plain text", "Windows executable program"; a family name for other
    text, image, video and audio types, and "a file of another kind" for the rest."""
    if mime in TYPE_NAMES:
        return TYPE_NAMES[mime]
    if mime in OTHER_TYPE_NAMES:
        return str(OTHER_TYPE_NAMES[mime])
    family = mime.split("/", 1)[0]
    families = {
        "text": gettext_lazy("a text file"),
        "image": gettext_lazy("an image of another format"),
        "video": gettext_lazy("a video"),
        "audio": gettext_lazy("an audio recording"),
    }
    return str(families.get(family, gettext_lazy("a file of another kind")))


# --- Names ---------------------------------------------------------------------------------------------------------

# Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM) are all category Cf; they
# are listed to document what the category rule below is mainly for.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Control (Cc), format (Cf, incl. zero-width and bidi), surrogate (Cs) and line/paragraph separator (Zl, Zp).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def is_invisible_control(char: str) -> bool:
    """True for a character that changes how a name displays without being visible itself."""
    return char in BIDI_CONTROLS or unicodedata.category(char) in INVISIBLE_CATEGORIES


def clean_display_name(value: str) -> str:
    """A one-line name as people read it: NFC, no control or format characters, single spaces. Keeps Chinese."""
    kept = []
    for char in unicodedata.normalize("NFC", value or ""):
        if char in "\t\r\n":
            kept.append(" ")
        elif not is_invisible_control(char):
            kept.append(char)
    return re.sub(r"\s+", " ", "".join(kept)).strip()


def clean_filename(name: str, *, default: str = "file", max_length: int = 150) -> str:
    """A file name safe to store and to send as a download name.

    Strips bidirectional and other control/format characters (so `invoice<U+202E>gpj.exe` cannot pose as a .jpg),
    replaces path separators, drops leading dots and spaces, normalises to NFC and keeps Chinese. An over-long name
    keeps its extension.
    """
    name = clean_display_name(name)
    name = re.sub(r"[\\/]+", "_", name)
    name = name.lstrip(". ").rstrip(" ")
    if not name:
        return default
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            name = stem[: max_length - len(extension) - 1].rstrip(" ") + "." + extension
        else:
            name = name[:max_length]
    return name


# --- ZIP-based files -----------------------------------------------------------------------------------------------

ZIP_READ_CHUNK = 64 * 1024
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"


def zip_limits() -> dict:
    """The bounds of a ZIP-based upload, from settings (UPLOAD_ZIP_*)."""
    return {
        "max_expanded": int(getattr(settings, "UPLOAD_ZIP_MAX_EXPANDED_MB", 200) * MB),
        "max_ratio": getattr(settings, "UPLOAD_ZIP_MAX_RATIO", 100),
        "max_members": getattr(settings, "UPLOAD_ZIP_MAX_MEMBERS", 10_000),
        # Small members may compress very well (repetitive XML); ratios count only above this size.
        "ratio_grace": int(getattr(settings, "UPLOAD_ZIP_RATIO_GRACE_MB", 1) * MB),
    }


def zip_declared_entries(data: bytes) -> int | None:
    """The member count the end-of-central-directory record declares (ZIP64 aware), without parsing the directory.

    None when there is no such record (not a ZIP archive).
    """
    tail_start = max(0, len(data) - (22 + 65535))
    position = data.rfind(_EOCD, tail_start)
    if position < 0 or len(data) < position + 22:
        return None
    entries = struct.unpack_from("<H", data, position + 10)[0]
    if entries == 0xFFFF and position >= 20 and data[position - 20 : position - 16] == _EOCD64_LOCATOR:
        offset = struct.unpack_from("<Q", data, position - 20 + 8)[0]
        if data[offset : offset + 4] == _EOCD64 and len(data) >= offset + 40:
            entries = struct.unpack_from("<Q", data, offset + 32)[0]
    return entries


class ZipBombError(BusinessRuleError):
    """A ZIP-based upload that expands beyond the bounds; `bytes_read` is how much was really expanded."""

    def __init__(self, message, *, code: str, bytes_read: int = 0):
        super().__init__(message, code=code)
        self.bytes_read = bytes_read


def _bomb_message(limits) -> str:
    return _(
        "This file would expand to more than %(max)s MB when opened, or is compressed far more strongly than "
        "normal documents (a “zip bomb”), so it is not accepted. Save it again from its original program and "
        "upload the new file."
    ) % {"max": limits["max_expanded"] // MB}


def _damaged_message() -> str:
    return _("The file seems damaged and cannot be opened. Export or scan it again.")


def read_zip_members_bounded(archive: zipfile.ZipFile, *, archive_size: int, limits: dict | None = None) -> int:
    """Read (and so CRC-check) every member in chunks; stop as soon as the real expanded bytes pass the bounds.

    Returns the number of bytes expanded. Raises ZipBombError (with `bytes_read`) past the bounds.
    """
    limits = limits or zip_limits()
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        with archive.open(info) as member:
            while chunk := member.read(ZIP_READ_CHUNK):
                total += len(chunk)
                if total > limits["max_expanded"] or (
                    total > limits["ratio_grace"] and total > limits["max_ratio"] * max(archive_size, 1)
                ):
                    raise ZipBombError(_bomb_message(limits), code="zip_bomb", bytes_read=total)
    return total


def check_zip(data: bytes, *, limits: dict | None = None) -> int:
    """Refuse a ZIP-based file that is damaged or expands beyond the bounds; returns the bytes expanded.

    Order: member count from the end record (before the directory is parsed), declared sizes and ratios from the
    central directory (before any member is read), then a chunked read of the members that counts real bytes.
    """
    limits = limits or zip_limits()
    entries = zip_declared_entries(data)
    if entries is None:
        raise BusinessRuleError(_damaged_message(), code="corrupt")
    if entries > limits["max_members"]:
        raise ZipBombError(
            _(
                "This file is a package of %(count)s parts; at most %(max)s are accepted. Save it again from its "
                "original program and upload the new file."
            )
            % {"count": entries, "max": limits["max_members"]},
            code="zip_members",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > limits["max_members"]:
                raise ZipBombError(
                    _(
                        "This file is a package of %(count)s parts; at most %(max)s are accepted. Save it again "
                        "from its original program and upload the new file."
                    )
                    % {"count": len(infos), "max": limits["max_members"]},
                    code="zip_members",
                )
            declared = sum(info.file_size for info in infos)
            compressed = sum(info.compress_size for info in infos)
            too_strong = any(
                info.file_size > limits["ratio_grace"]
                and info.file_size > limits["max_ratio"] * max(info.compress_size, 1)
                for info in infos
            )
            if (
                declared > limits["max_expanded"]
                or too_strong
                or (declared > limits["ratio_grace"] and declared > limits["max_ratio"] * max(compressed, 1))
            ):
                raise ZipBombError(_bomb_message(limits), code="zip_bomb")
            if compressed > len(data):
                # Members that claim more compressed bytes than the file holds overlap (a known bomb construction).
                raise ZipBombError(_bomb_message(limits), code="zip_bomb")
            return read_zip_members_bounded(archive, archive_size=len(data), limits=limits)
    except BusinessRuleError:
        raise
    except Exception:
        raise BusinessRuleError(_damaged_message(), code="corrupt") from None


# --- PDFs ------------------------------------------------------------------------------------------------------------

PDF_MAX_OBJECTS = 2_000_000  # dictionary and array nodes walked; a 500-page scan has a few thousand
_HTML_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|iframe|svg|img|object|embed|meta)[\s>/]", re.I)
_ZIP_LOCAL_HEADER = re.compile(rb"PK\x03\x04")
_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/GoToE": "embedded_files",
    "/RichMediaExecute": "javascript",
}


class UnsafePDFError(BusinessRuleError):
    """A PDF refused for its active content or for being a polyglot; `problems` lists the codes found."""

    def __init__(self, message, *, problems: list[str]):
        super().__init__(message, code="unsafe_pdf")
        self.problems = problems


def _problem_phrases() -> dict:
    return {
        "header": _("it does not start with the PDF header (other data comes first)"),
        "html": _("it is at the same time a web page (it contains HTML markup)"),
        "zip": _("it is at the same time a ZIP archive"),
        "javascript": _("it contains JavaScript (scripts that run when the file is opened)"),
        "launch": _("it contains an action that starts another program"),
        "embedded_files": _("it contains embedded files (other files hidden inside the PDF)"),
    }


def _plausible_local_header(data: bytes, at: int) -> bool:
    """A real ZIP local file header (not four random bytes): sane version, method and a printable name."""
    if len(data) < at + 30:
        return False
    version, _flags, method = struct.unpack_from("<HHH", data, at + 4)
    name_length = struct.unpack_from("<H", data, at + 26)[0]
    name = data[at + 30 : at + 30 + name_length]
    return (
        version <= 63
        and method in (0, 8, 9, 12, 14, 93, 95, 98)
        and 0 < name_length <= 1024
        and len(name) == name_length
        and all(32 <= byte < 127 or byte >= 128 for byte in name)
    )


def _outside_streams(data: bytes) -> bytes:
    """The bytes of a PDF outside its stream bodies (`stream` EOL ... `endstream`), where only PDF syntax belongs."""
    parts = []
    position = 0
    while (start := data.find(b"stream", position)) >= 0:
        body = start + 6
        if (start >= 3 and data[start - 3 : start] == b"end") or data[body : body + 1] not in (b"\r", b"\n"):
            parts.append(data[position:body])
            position = body
            continue
        end = data.find(b"endstream", body)
        if end < 0:
            break
        parts.append(data[position:start])
        position = end + len(b"endstream")
    parts.append(data[position:])
    return b" ".join(parts)


def pdf_polyglot_problems(data: bytes) -> list[str]:
    """Problems visible in the raw bytes: a header not at offset 0, HTML markup or a ZIP archive alongside the PDF."""
    problems = []
    if not data.startswith(b"%PDF-"):
        problems.append("header")
    # Outside stream bodies a PDF is plain syntax; markup there (or before the header) makes the file a web page too.
    outside = _outside_streams(data)
    if _HTML_MARKUP.search(outside):
        problems.append("html")
    is_zip = any(_plausible_local_header(outside, m.start()) for m in _ZIP_LOCAL_HEADER.finditer(outside))
    if not is_zip and zipfile.is_zipfile(io.BytesIO(data)):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                is_zip = bool(archive.infolist())
        except Exception:
            is_zip = False
    if is_zip:
        problems.append("zip")
    return problems


def _pdf_reader(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data), strict=False)


def pdf_is_password_protected(data: bytes) -> bool:
    """True for an encrypted PDF that cannot be opened without a password (or whose encryption cannot be read)."""
    from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

    try:
        reader = _pdf_reader(data)
    except (DependencyError, FileNotDecryptedError, WrongPasswordError):
        return True
    except Exception:
        return False
    if not reader.is_encrypted:
        return False
    try:
        return len(reader.pages) == 0
    except Exception:
        return True


def pdf_active_content(data: bytes) -> list[str]:
    """Walk every object reachable from the trailer (catalog, names trees, pages, annotations, actions, forms)
    and return the kinds of active content found: javascript, launch, embedded_files. Stream data is not decoded.

    Raises any reader error (the caller refuses the file as "cannot be checked").
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    reader = _pdf_reader(data)
    found = set()
    seen = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise ValueError("too many objects to check")
        if isinstance(node, DictionaryObject):
            for name, value in dict.items(node):
                if name == "/Encrypt":
                    continue
                if name in ("/JS", "/JavaScript"):
                    found.add("javascript")
                elif name in ("/EmbeddedFiles", "/EF"):
                    found.add("embedded_files")
                elif name in ("/S", "/Subtype", "/Type"):
                    resolved = value.get_object() if isinstance(value, IndirectObject) else value
                    if isinstance(resolved, NameObject):
                        if name == "/S" and resolved in _ACTIONS:
                            found.add(_ACTIONS[resolved])
                        elif resolved in ("/FileAttachment", "/EmbeddedFile"):
                            found.add("embedded_files")
                        elif resolved == "/Launch":
                            found.add("launch")
                if isinstance(value, IndirectObject | DictionaryObject | ArrayObject):
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(
                item
                for item in list.__iter__(node)
                if isinstance(item, IndirectObject | DictionaryObject | ArrayObject)
            )
    return sorted(found, key=list(_problem_phrases()).index)


def _unsafe_pdf(problems: list[str]) -> UnsafePDFError:
    phrases = _problem_phrases()
    return UnsafePDFError(
        _(
            "For safety this PDF cannot be accepted: %(problems)s. Save or print it again as a plain PDF (for "
            "example with “Save as PDF” or “Print to PDF”) and upload that file."
        )
        % {"problems": _("; ").join(str(phrases[p]) for p in problems)},
        problems=problems,
    )


def check_pdf_bytes(data: bytes) -> None:
    """Refuse polyglots and PDFs whose header is not at the start (raw byte checks, before any parsing)."""
    problems = pdf_polyglot_problems(data)
    if problems:
        raise _unsafe_pdf(problems)


def check_pdf_structure(data: bytes) -> None:
    """Refuse a PDF with JavaScript, launch actions or embedded files; one that cannot be walked is refused too."""
    if pdf_is_password_protected(data):
        raise BusinessRuleError(
            _(
                "This PDF is protected with a password, so it cannot be checked for safety. Save it again without "
                "a password and upload that file."
            ),
            code="pdf_encrypted",
        )
    try:
        problems = pdf_active_content(data)
    except Exception:
        raise BusinessRuleError(
            _(
                "This PDF's structure is damaged or too complex to be checked for safety. Export or scan it again "
                "and upload the new file."
            ),
            code="pdf_unchecked",
        ) from None
    if problems:
        raise _unsafe_pdf(problems)


# --- Images ----------------------------------------------------------------------------------------------------------


def image_max_pixels() -> int:
    return int(getattr(settings, "UPLOAD_IMAGE_MAX_PIXELS", 100_000_000))


def _image_end(data: bytes, mime: str) -> int | None:
    """Where the image itself ends (after PNG's IEND chunk or JPEG's last end-of-image marker), or None."""
    if mime == "image/png":
        position = data.rfind(b"IEND")
        return position + 8 if position >= 4 else None  # the chunk type, then its 4-byte CRC
    if mime == "image/jpeg":
        position = data.rfind(b"\xff\xd9")
        return position + 2 if position >= 0 else None
    return None


def check_image_polyglot(data: bytes, mime: str) -> None:
    """Refuse an image followed by a web page or a ZIP archive (a file that is two things at once).

    Phones append their own data after a JPEG (motion-photo videos, Samsung trailers), so trailing bytes as such
    are allowed; only HTML markup or a real ZIP header there makes the file a polyglot.
    """
    end = _image_end(data, mime)
    if end is None or end >= len(data):
        return
    trailing = data[end:]
    problems = []
    if _HTML_MARKUP.search(trailing):
        problems.append("html")
    if any(_plausible_local_header(trailing, m.start()) for m in _ZIP_LOCAL_HEADER.finditer(trailing)):
        problems.append("zip")
    if problems:
        phrases = _problem_phrases()
        raise BusinessRuleError(
            _(
                "For safety this image cannot be accepted: %(problems)s. Save it again from an image program (or "
                "take a screenshot of it) and upload that file."
            )
            % {"problems": _("; ").join(str(phrases[p]) for p in problems)},
            code="unsafe_image",
        )


def check_image_pixels(data: bytes) -> None:
    """Refuse an image whose declared canvas is larger than UPLOAD_IMAGE_MAX_PIXELS ("pixel flood").

    Only the header is read (Image.open does not decode). Pillow itself refuses a canvas above twice its own bound
    (DecompressionBombError) and only warns below; both cases get the readable message here instead of "damaged".
    """
    import warnings

    from PIL import Image

    limit = image_max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        width, height = limit + 1, 1
    except Exception:
        return  # not an image Pillow can open: the readability check refuses it with its own message
    if width * height > limit:
        raise BusinessRuleError(
            _(
                "This image is too large in pixels (more than %(max)s million), so it is not accepted. Save it at a "
                "smaller size (for example as a photo of at most 8,000 pixels on the long side) and upload it again."
            )
            % {"max": limit // 1_000_000},
            code="image_pixels",
        )


# --- The gate --------------------------------------------------------------------------------------------------------


def sniff_content_type(data: bytes) -> str:
    """The content type read from the bytes themselves (libmagic).

    For a ZIP-based file only the central directory is read (never a member), and only when the end record
    declares a sane number of members.
    """
    mime = magic.from_buffer(data[:SNIFF_BYTES], mime=True)
    if mime in (ZIP, "application/octet-stream") and data[:2] == b"PK":
        # OOXML files may sniff as zip from their first bytes; look inside for the main part.
        entries = zip_declared_entries(data)
        if entries is None or entries > zip_limits()["max_members"]:
            return mime
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except Exception:
            return mime
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        if "ppt/presentation.xml" in names:
            return PPTX
    return mime


def is_readable(mime: str, data: bytes) -> bool:
    """A PDF, image or ZIP-based file that its reader can open (a renamed or truncated file fails here).

    ZIP-based files are read within the bounds of `check_zip` (a bomb is not readable).
    """
    try:
        if mime == PDF:
            return len(_pdf_reader(data).pages) > 0
        if mime.startswith("image/"):
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            return True
        if mime in ZIP_TYPES:
            check_zip(data)
            return True
    except Exception:
        return False
    return True


def validate_file(*, data: bytes, allowed_types: list[str], max_mb: int, label: str) -> str:
    """Check an upload's size, sniffed type, safety and readability; return the content type or raise a clear message.

    Order: size; type by content (a file that hides a PDF header behind other data is judged as a PDF when PDFs
    are allowed, so it gets the polyglot message); for ZIP-based files the bomb bounds before anything is
    expanded; for PDFs the raw polyglot checks, readability, then the structure walk for active content.
    """
    if not data:
        raise BusinessRuleError(_("The file is empty. Choose the file again."), code="empty")
    if len(data) > max_mb * MB:
        raise BusinessRuleError(
            _("The file is %(size).1f MB; “%(name)s” may be at most %(max)s MB.")
            % {"size": len(data) / 1024 / 1024, "name": label, "max": max_mb},
            code="too_large",
        )
    mime = sniff_content_type(data)
    if mime != PDF and PDF in allowed_types and b"%PDF-" in data[:1024]:
        check_pdf_bytes(data)  # a header after other data: always a polyglot, refused with its own message
    if mime not in allowed_types:
        allowed = ", ".join(TYPE_NAMES.get(t, t) for t in allowed_types)
        raise BusinessRuleError(
            _("This file is not an accepted type for “%(name)s” (its content is %(found)s). Accepted: %(allowed)s.")
            % {"name": label, "found": type_name(mime), "allowed": allowed},
            code="type",
        )
    if mime in ZIP_TYPES:
        check_zip(data)
        return mime
    if mime == PDF:
        check_pdf_bytes(data)
    if mime.startswith("image/"):
        check_image_pixels(data)
        check_image_polyglot(data, mime)
    if not is_readable(mime, data):
        if mime == PDF and pdf_is_password_protected(data):
            check_pdf_structure(data)  # raises the password message
        raise BusinessRuleError(_damaged_message(), code="corrupt")
    if mime == PDF:
        check_pdf_structure(data)
    return mime


# --- Storage ---------------------------------------------------------------------------------------------------------
#
# A row and its file are written in two systems (the database and the media storage, possibly S3), so neither
# is left without the other: the file is written first, inside the transaction that creates the row
# (`atomic_with_files` + `save_file`); when the storage fails nothing is written and the user reads why; when the
# database fails (or the commit does) the files written in the block are deleted again; a file the new row
# replaces is deleted only after commit (`delete_replaced_file_after_commit`).


class StorageUnavailable(BusinessRuleError):
    """The media storage refused or failed a write; the transaction rolls back, so no row points at a missing file."""


# The files saved by `save_file` inside the innermost `atomic_with_files` block of this thread/task.
_saved_in_block: contextvars.ContextVar[list | None] = contextvars.ContextVar("saq_saved_files", default=None)


def _delete_quietly(saved: list) -> None:
    for storage, name in saved:
        try:
            storage.delete(name)
        except Exception:  # the storage may be what failed; the orphan is logged, the original error is raised
            logger.exception("could not delete %s after a failed write", name)


@contextlib.contextmanager
def atomic_with_files(using=None):
    """`transaction.atomic` for a write that stores files with `save_file`: when the block raises or its commit
    fails, the files saved in it are deleted again. Nested in another `atomic_with_files`, the files are handed to
    the enclosing block, whose failure deletes them too. Usable as a decorator (`@atomic_with_files()`)."""
    enclosing = _saved_in_block.get()
    saved: list = []
    token = _saved_in_block.set(saved)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        _delete_quietly(saved)
        raise
    finally:
        _saved_in_block.reset(token)
    if enclosing is not None:
        enclosing.extend(saved)


def save_file(field_file, name: str, content) -> str:
    """Store `content` in a FileField of an unsaved or locked row (`save=False`: the caller saves the row) and
    return the stored name. A storage failure becomes StorageUnavailable with a readable message (the
    surrounding transaction then rolls back: no row without its file); inside `atomic_with_files` the file is
    deleted again if the row is not committed (no file without its row)."""
    try:
        field_file.save(name, content, save=False)
    except Exception as exc:
        logger.exception("storing %s failed", name)
        raise StorageUnavailable(
            _("The file could not be stored just now, so nothing was saved. Please try again in a few minutes."),
            code="storage",
        ) from exc
    saved = _saved_in_block.get()
    if saved is not None:
        saved.append((field_file.storage, field_file.name))
    return field_file.name


def delete_replaced_file_after_commit(model, field: str, name: str) -> None:
    """After the current transaction commits, delete the stored file `name` unless a row of `model` still refers
    to it in `field` (a replaced upload must not stay on disk as an orphan; a rollback keeps it)."""
    if not name:
        return
    storage = model._meta.get_field(field).storage

    def delete():
        if not model._default_manager.filter(**{field: name}).exists():
            storage.delete(name)

    transaction.on_commit(delete)


def stored_file_response(field_file, *, filename: str, content_type: str):
    """A stored upload or generated file as a download: attachment, declared type, no sniffing, no caching.

    Callers check permission first; a file missing from storage is a 404, not a 500. The download name is cleaned
    of control characters (it may come from an upload's name or an organisation's name).
    """
    from django.http import FileResponse, Http404

    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=clean_filename(filename, default="download"), content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
