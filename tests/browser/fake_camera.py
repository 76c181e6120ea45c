"""A camera for Chromium that films one QR code: a .y4m file built from a QR PNG.

Chromium plays the file in a loop as the camera with
--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>.
"""

import io
from pathlib import Path

from PIL import Image

from volunteer.documents.qr import qr_png

WIDTH, HEIGHT = 640, 480


def qr_frame(text: str) -> Image.Image:
    """A grey-scale 640x480 frame with the QR code of `text` in the middle."""
    code = Image.open(io.BytesIO(qr_png(text))).convert("L")
    side = min(HEIGHT - 40, max(code.size))
    code = code.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(code, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    return frame


def write_y4m(text: str, path: Path, frames: int = 5) -> Path:
    """Write a short YUV 4:2:0 video of the QR code of `text` to `path`."""
    luma = qr_frame(text).tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path
