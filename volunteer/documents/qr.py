"""QR code images as bytes, for screens (SVG) and printing (PNG)."""

import io

import qrcode
import qrcode.image.svg
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


def qr_code(data: str, **options) -> qrcode.QRCode:
    """The QR code of `data` (medium error correction), sized to fit it, ready to draw."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, **options)
    qr.add_data(data)
    qr.make(fit=True)
    return qr
