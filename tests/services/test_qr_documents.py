"""QR images from volunteer/documents/qr.py decode back to what they carry."""

import io

import zxingcpp
from PIL import Image

from volunteer.documents.qr import qr_grey_image, qr_png, qr_svg


def test_the_png_decodes_to_the_scan_url():
    url = "https://volunteer.example.cn/checkin/s/12/59854492/306163"
    (barcode,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(url))))
    assert barcode.text == url


def test_the_svg_is_a_standalone_image():
    svg = qr_svg("WSV:abc")
    assert svg.startswith(b"<svg") and b"</svg>" in svg


def test_the_grey_image_for_pdfs_decodes_and_is_whole_modules():
    url = "https://volunteer.example.cn/auth/register?unit=12.0123456789abcdef"
    image = qr_grey_image(url, scale=6)
    assert image.mode == "L" and image.width == image.height and image.width % 6 == 0
    (barcode,) = zxingcpp.read_barcodes(image)
    assert barcode.text == url
