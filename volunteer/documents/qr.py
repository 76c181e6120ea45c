"""QR code images as bytes, for screens (SVG) and printing (PNG)."""

import io

import qrcode
import qrcode.image.svg
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M


def qr_svg(data: str, box_size: int = 10, border: int = 2) -> bytes:
    """An SVG QR code of `data` (scales crisply on a projector)."""
    image = qr_code(data, box_size=box_size, border=border).make_image(
        image_factory=qrcode.image.svg.SvgPathFillImage
    )
    return image.to_string(encoding="unicode").encode("utf-8")


def qr_png(data: str, box_size: int = 10, border: int = 2) -> bytes:
    """A PNG QR code of `data` (cards, printouts)."""
    buffer = io.BytesIO()
    qr_code(data, box_size=box_size, border=border).make_image().save(buffer)
    return buffer.getvalue()


def qr_grey_image(data: str, scale: int, border: int = 2) -> Image.Image:
    """A grey-scale image of `data`'s QR code, `scale` pixels a module, to place in a PDF.

    Made at one pixel a module and enlarged in C, with a fixed mask pattern (every mask
    is valid; trying all eight is most of the cost), so a page a unit stays cheap; grey
    rather than RGB, so the PDF holds a third of the bytes.
    """
    matrix = qr_code(data, box_size=1, border=border, mask_pattern=0).get_matrix()
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (size, size), pixels)
    return image.resize((size * scale, size * scale), Image.Resampling.NEAREST)


def qr_code(data: str, **options) -> qrcode.QRCode:
    """The QR code of `data` (medium error correction), sized to fit it, ready to draw."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, **options)
    qr.add_data(data)
    qr.make(fit=True)
    return qr
