"""Uploaded documents are checked by what they contain, not only by their name: an HTML page renamed `.pdf` would
otherwise be stored and handed out to the public under the center's name."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps (Compound File)
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "doc": (OLE2,),
    "xls": (OLE2,),
    "wps": (OLE2,),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
# Office Open XML: a zip whose parts live under this folder.
_OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/"}


def _head(file: Any, size: int) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return bytes(head)


def _is_ooxml(file: Any, folder: str) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def check_document_content(file: Any) -> None:
    """Refuse a file whose content is not of the kind its extension says (PDF, Word, Excel, WPS, JPEG, PNG)."""
    if not file:
        return
    extension = Path(str(getattr(file, "name", ""))).suffix.lower().lstrip(".")
    if extension in _OOXML_FOLDERS:
        matches = _is_ooxml(file, _OOXML_FOLDERS[extension])
    elif extension in _SIGNATURES:
        head = _head(file, 16)
        matches = any(head.startswith(signature) for signature in _SIGNATURES[extension])
    else:
        matches = False
    if not matches:
        raise ValidationError(
            _("文件内容与扩展名（.%(ext)s）不符，请上传真实的 PDF、Word、Excel 或图片文件。") % {"ext": extension}
        )
