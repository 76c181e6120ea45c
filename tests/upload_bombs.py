"""Two hostile .xlsx files, built in code: a tiny one declaring the whole sheet
(A1:XFD1048576, a cell in the last row) and a deflate bomb whose sheet XML inflates
to about 1.5 GB. Written as raw zip records so the bomb is never inflated here."""

import struct
import zlib

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
PACKAGE_RELS = (
    f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument"'
    ' Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}"><sheets>'
    '<sheet name="roster" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/worksheet"'
    ' Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER_ROW = "<row>" + "".join(
    f'<c t="inlineStr"><is><t>{label}</t></is></c>'
    for label in ("姓名", "证件类型", "证件号码", "手机号", "政治面貌")
)
SHEET_START = f'<worksheet xmlns="{SHEET_NS}"><dimension ref="A1:XFD1048576"/><sheetData>'
SHEET_END = "</sheetData></worksheet>"
BOMB_SHEET_BYTES = 1_500_000_000


def declared_whole_sheet_xlsx() -> bytes:
    """About 1.5 KB: a header, and one cell in row 1,048,576 under a full-sheet dimension."""
    last = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = SHEET_START + HEADER_ROW.replace("<row>", '<row r="1">') + "</row>" + last + SHEET_END
    return _xlsx([_deflated("xl/worksheets/sheet1.xml", sheet.encode())])


def deflate_bomb_xlsx() -> bytes:
    """About 5 MB whose sheet XML inflates to about 1.5 GB of rows (sizes declared honestly)."""
    row = '<row><c t="inlineStr"><is><t>张三</t></is></c><c><v>7919</v></c></row>'
    rows = (row * 8_000).encode()
    start = (SHEET_START + HEADER_ROW + "</row>").encode()
    end = SHEET_END.encode()
    repeats = (BOMB_SHEET_BYTES - len(start) - len(end)) // len(rows)
    # Each piece is deflated on its own and sync-flushed, so copies of a piece
    # concatenate into one valid stream without ever inflating the whole.
    body, crc = _sync_flushed(start), zlib.crc32(start)
    block = _sync_flushed(rows)
    for _ in range(repeats):
        crc = zlib.crc32(rows, crc)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = compressor.compress(end) + compressor.flush()
    size = len(start) + repeats * len(rows) + len(end)
    data = body + block * repeats + tail
    member = ("xl/worksheets/sheet1.xml", zlib.crc32(end, crc), data, size)
    return _xlsx([member])


def _sync_flushed(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _deflated(name: str, data: bytes) -> tuple[str, int, bytes, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, zlib.crc32(data), compressor.compress(data) + compressor.flush(), len(data)


def _xlsx(sheets: list[tuple[str, int, bytes, int]]) -> bytes:
    parts = [
        _deflated("[Content_Types].xml", CONTENT_TYPES.encode()),
        _deflated("_rels/.rels", PACKAGE_RELS.encode()),
        _deflated("xl/workbook.xml", WORKBOOK.encode()),
        _deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.encode()),
        *sheets,
    ]
    return _zip(parts)


def _zip(members: list[tuple[str, int, bytes, int]]) -> bytes:
    """A zip of already-deflated members: local records, central directory, end record."""
    out, directory = bytearray(), bytearray()
    for name, crc, data, size in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
        )
        out += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(out), 0
    )
    return bytes(out + directory + end)
