"""Writing one PDF out of many small ones without holding them in memory.

reportlab (and pypdf's writer) keep every page of a document in memory until it is saved,
so a batch of thousands of certificates rendered as one document grows without bound.
`StreamingPdfWriter` instead appends finished certificate PDFs to an open file one at a
time: each object is renumbered and written immediately; only its file offset (8 bytes)
and the page numbers are kept until the cross-reference table is written at the end.

Large identical streams (the seal image repeated on every certificate, fonts) are written
once and shared, keyed by a hash of their bytes, with a small bounded cache.
"""

import hashlib
import io
from array import array
from collections import OrderedDict
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

SHARE_MIN_BYTES = 2048  # smaller streams (QR codes, page contents) are unique anyway
SHARE_CACHE_SIZE = 32


class StreamingPdfWriter:
    """Append whole PDF documents to `out`; call `close()` to finish the file."""

    def __init__(self, out: BinaryIO):
        self._out = out
        self._position = 0
        self._offsets = array("Q", [0])  # object number -> byte offset; 0 is the free head
        self._kids = array("Q")
        self._shared: OrderedDict[bytes, int] = OrderedDict()
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._pages_number = self._reserve()
        self.documents = 0

    @property
    def page_count(self) -> int:
        """Pages written so far."""
        return len(self._kids)

    def add(self, pdf: bytes) -> None:
        """Append every page of a PDF document (its objects reachable from its pages)."""
        copy = _DocumentCopy(self, PdfReader(io.BytesIO(pdf)))
        for page in copy.reader.pages:
            self._kids.append(copy.number_for(page.indirect_reference.idnum))
        copy.write_pending()
        self.documents += 1

    def close(self) -> None:
        """Write the page tree, catalog, cross-reference table and trailer."""
        kids = b" ".join(b"%d 0 R" % number for number in self._kids)
        self._write_raw_object(
            self._pages_number,
            b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (len(self._kids), kids),
        )
        catalog = self._reserve()
        self._write_raw_object(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % self._pages_number)
        xref_at = self._position
        size = len(self._offsets)
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        for number in range(1, size):
            lines.append(b"%010d 00000 n \n" % self._offsets[number])
        self._write(b"".join(lines))
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, catalog, xref_at)
        )
        self._out.flush()

    # ---- internals ----

    def _reserve(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _remember(self, key: bytes, number: int) -> None:
        self._shared[key] = number
        if len(self._shared) > SHARE_CACHE_SIZE:
            self._shared.popitem(last=False)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)

    def _write_object(self, number: int, obj: PdfObject) -> None:
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)
        self._write_raw_object(number, buffer.getvalue())

    def _write_raw_object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._position
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))


class _DocumentCopy:
    """One document being appended: its object numbers in the output file, and what is left
    to write (objects reachable from its pages, found as references are renumbered)."""

    def __init__(self, writer: StreamingPdfWriter, reader: PdfReader):
        self.writer = writer
        self.reader = reader
        self.numbers: dict[int, int] = {}
        self.pending: list[int] = []

    def number_for(self, old: int) -> int:
        """The output number of the document's object `old`, reserving it on first sight."""
        if old in self.numbers:
            return self.numbers[old]
        writer = self.writer
        key = _share_key(self.reader, self.reader.get_object(old))
        if key is not None and key in writer._shared:
            self.numbers[old] = writer._shared[key]  # identical bytes already in the file
            return self.numbers[old]
        self.numbers[old] = writer._reserve()
        self.pending.append(old)
        if key is not None:
            writer._remember(key, self.numbers[old])
        return self.numbers[old]

    def write_pending(self) -> None:
        """Write every reserved object, renumbered; pages get the output's page tree."""
        while self.pending:
            old = self.pending.pop()
            copied = _renumber(self.reader.get_object(old), self.number_for)
            if isinstance(copied, DictionaryObject) and copied.get("/Type") == "/Page":
                copied[NameObject("/Parent")] = IndirectObject(self.writer._pages_number, 0, None)
            self.writer._write_object(self.numbers[old], copied)


def _share_key(
    reader: PdfReader, obj: PdfObject, depth: int = 0, min_bytes: int = SHARE_MIN_BYTES
) -> bytes | None:
    """A fingerprint of a large stream and what it refers to (an image and its mask), or None."""
    if not isinstance(obj, StreamObject) or len(obj._data) < min_bytes:
        return None
    digest = hashlib.sha256(obj._data)
    for key in sorted(obj.keys()):
        value = obj[key] if key != "/Length" else None
        if isinstance(value, IndirectObject):
            if depth >= 2:
                return None
            target = reader.get_object(value.idnum)
            inner = _share_key(reader, target, depth + 1, min_bytes=0)
            if inner is None:
                return None
            digest.update(key.encode() + inner)
        else:
            digest.update(key.encode() + repr(value).encode())
    return digest.digest()


def _renumber(obj: PdfObject, new_number) -> PdfObject:
    """A copy of `obj` whose indirect references use the new object numbers."""
    if isinstance(obj, IndirectObject):
        return IndirectObject(new_number(obj.idnum), 0, None)
    if isinstance(obj, StreamObject):
        copy = StreamObject()
        copy._data = obj._data  # still encoded: written back byte for byte
        for key, value in obj.items():
            if key != "/Length":
                copy[NameObject(key)] = _renumber(value, new_number)
        return copy
    if isinstance(obj, DictionaryObject):
        copy = DictionaryObject()
        for key, value in obj.items():
            if key == "/Parent":
                continue  # pages get the new page tree as parent
            copy[NameObject(key)] = _renumber(value, new_number)
        return copy
    if isinstance(obj, ArrayObject):
        return ArrayObject(_renumber(item, new_number) for item in obj)
    return obj
