"""Generated test files for the image pipeline: hostile, malformed, unusual and metadata-laden.

Everything is built here from code (no binary blobs in the repository), small and deterministic, so a
reader can see exactly what each case is. ``REFUSED`` maps a case to (bytes, what the refusal must say);
``ACCEPTED`` are odd but legitimate pictures that must come out as plain RGB.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Callable

import pillow_heif
from PIL import Image, ImageCms, ImageDraw, ImageFilter, PngImagePlugin
from PIL.ExifTags import GPS, IFD, Base

# --- Marks that must never reach a derivative -------------------------------------------------------

GPS_MARK = "TRACEGPSDATUM"
CAMERA_MARK = "TRACECAMERAMAKE"
XMP_MARK = "TRACEXMPMARK"
COMMENT_MARK = "TRACECOMMENTMARK"
TEXT_MARK = "TRACEPNGTEXTMARK"
IPTC_MARK = "TRACEIPTCMARK"
TIFF_MARK = "TRACETIFFARTIST"
PAYLOAD_MARK = "TRACEPOLYGLOTPAYLOAD"
MARKS = [GPS_MARK, CAMERA_MARK, XMP_MARK, COMMENT_MARK, TEXT_MARK, IPTC_MARK, TIFF_MARK, PAYLOAD_MARK]

XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{XMP_MARK}</dc:creator>'
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
).encode()


def picture(width: int = 800, height: int = 400, color: tuple[int, int, int] = (180, 120, 60)) -> Image.Image:
    """A picture with structure (so derivatives and hashes are meaningful)."""
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=(20, 60, 200))
    draw.ellipse((width // 10, height // 10, width // 3, height // 2), fill=(240, 240, 30))
    draw.line((0, 0, width - 1, height - 1), fill=(255, 255, 255), width=3)
    return image


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def exif(orientation: int = 1) -> Image.Exif:
    tags = Image.Exif()
    tags[Base.Orientation] = orientation
    tags[Base.Make] = CAMERA_MARK
    tags[IFD.GPSInfo] = {
        GPS.GPSLatitudeRef: "N",
        GPS.GPSLatitude: (52.0, 24.0, 30.0),
        GPS.GPSLongitudeRef: "E",
        GPS.GPSLongitude: (16.0, 55.0, 10.0),
        GPS.GPSMapDatum: GPS_MARK,
    }
    return tags


def icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def iptc_segment() -> bytes:
    """A JPEG APP13 (Photoshop 3.0 / 8BIM / IPTC-IIM) segment with a by-line record."""
    record = b"\x1c\x02\x50" + struct.pack(">H", len(IPTC_MARK)) + IPTC_MARK.encode()
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def insert_after_soi(jpeg: bytes, segment: bytes) -> bytes:
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + segment + jpeg[2:]


def with_metadata(fmt: str, *, orientation: int = 1, size: tuple[int, int] = (800, 400)) -> bytes:
    """An upload in ``fmt`` carrying GPS EXIF, a camera make, an ICC profile, XMP, comments, IPTC, and
    whatever else ``fmt`` can hold."""
    image = picture(*size)
    tags = exif(orientation).tobytes()
    if fmt == "JPEG":
        data = encode(image, "JPEG", exif=tags, icc_profile=icc(), xmp=XMP, comment=COMMENT_MARK.encode())
        return insert_after_soi(data, iptc_segment())
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", TEXT_MARK)
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        text.add_text("Raw profile type iptc", IPTC_MARK, zip=True)
        return encode(image, "PNG", exif=tags, icc_profile=icc(), pnginfo=text)
    if fmt == "WEBP":
        return encode(image, "WEBP", exif=tags, icc_profile=icc(), xmp=XMP, lossless=True)
    if fmt == "TIFF":
        # Artist, ImageDescription, XMP and IPTC as TIFF tags, beside the EXIF and GPS IFDs.
        tiff_tags = Image.Exif()
        tiff_tags.load(tags)
        tiff_tags.update({315: TIFF_MARK, 270: COMMENT_MARK, 700: XMP, 33723: IPTC_MARK.encode()})
        return encode(image, "TIFF", exif=tiff_tags, icc_profile=icc())
    if fmt == "HEIF":
        return encode(image, "HEIF", exif=tags, xmp=XMP, quality=90)
    raise AssertionError(fmt)


# --- Hostile and malformed files ---------------------------------------------------------------------


def png_claiming(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose header claims another size (a decompression bomb in miniature)."""
    data = bytearray(encode(Image.new("RGB", (1, 1)), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def tiff_claiming(width: int, height: int) -> bytes:
    """A hand-built little-endian grey TIFF declaring ``width`` x ``height`` with 16 bytes of pixels."""
    entries = [
        (256, 4, 1, width),  # ImageWidth, LONG
        (257, 4, 1, height),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample, SHORT
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # PhotometricInterpretation: BlackIsZero
        (273, 4, 1, 0),  # StripOffsets, patched below
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 4, 1, height),  # RowsPerStrip
        (279, 4, 1, 16),  # StripByteCounts
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    pixels_at = 8 + ifd_size
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)))
    for tag, kind, count, value in entries:
        value = pixels_at if tag == 273 else value
        packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        out += struct.pack("<HHI", tag, kind, count) + packed
    out += struct.pack("<I", 0) + bytes(range(16))
    return bytes(out)


def webp_claiming(width: int, height: int) -> bytes:
    """An extended (VP8X) WebP whose canvas claims ``width`` x ``height``."""
    data = bytearray(encode(picture(64, 64), "WEBP", exif=exif().tobytes(), lossless=True))
    assert data[12:16] == b"VP8X"
    data[24:27] = (width - 1).to_bytes(3, "little")
    data[27:30] = (height - 1).to_bytes(3, "little")
    return bytes(data)


def corrupt_huffman_jpeg() -> bytes:
    """A JPEG whose first Huffman table claims 255 codes of every length: "bogus Huffman table"."""
    data = bytearray(encode(picture(200, 100), "JPEG"))
    dht = data.find(b"\xff\xc4")
    data[dht + 5 : dht + 21] = b"\xff" * 16
    return bytes(data)


def scan_bomb_jpeg(scans: int = 150) -> bytes:
    """Only the structure of a progressive-scan bomb: many SOS segments; refused before decoding."""
    head = encode(picture(64, 64), "JPEG", progressive=True)
    sos = head.find(b"\xff\xda")
    body = head[:sos]
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x12\x34"
    return body + scan * scans + b"\xff\xd9"


def animated_webp() -> bytes:
    frames = [picture(120, 80, color=(i * 60, 0, 0)) for i in range(3)]
    return encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100, loop=0)


def multipage_tiff() -> bytes:
    pages = [picture(120, 80), picture(120, 80, color=(0, 0, 0))]
    return encode(pages[0], "TIFF", save_all=True, append_images=pages[1:])


def polyglot_broken() -> bytes:
    """A JPEG signature followed by HTML: claims to be a JPEG, is a web page."""
    return b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" * 10


def polyglot_valid() -> bytes:
    """A real JPEG with a ZIP archive (and an HTML page) appended: a GIFAR-style polyglot."""
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", f"<html>{PAYLOAD_MARK}</html>")
    return encode(picture(300, 200), "JPEG") + archive.getvalue() + f"<html>{PAYLOAD_MARK}</html>".encode()


def truncated(data: bytes, keep: float) -> bytes:
    return data[: int(len(data) * keep)]


def gif() -> bytes:
    return encode(Image.new("P", (40, 40)), "GIF")


# (case, bytes factory, a fragment the refusal must contain)
REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "zero-bytes": (lambda: b"", "not a readable image"),
    "random-bytes": (lambda: random.Random(7).randbytes(4096), "not a readable image"),
    "gif": (gif, "GIF files are not accepted"),
    "svg": (lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    "svg-bare": (lambda: b"  <svg onload='alert(1)'></svg>", "SVG"),
    "pdf": (lambda: b"%PDF-1.7\n" + random.Random(8).randbytes(100), "PDF files are not accepted"),
    "bmp": (lambda: encode(Image.new("RGB", (40, 40)), "BMP"), "BMP files are not accepted"),
    "zip": (lambda: b"PK\x03\x04" + bytes(100), "ZIP files are not accepted"),
    "avif-brand": (lambda: b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(64), "AVIF"),
    "mp4-brand": (lambda: b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(64), "Video"),
    "polyglot-jpeg-html": (polyglot_broken, "cannot be read"),
    "truncated-jpeg-half": (lambda: truncated(encode(picture(640, 480), "JPEG"), 0.5), "cannot be read"),
    "truncated-jpeg-90": (lambda: truncated(encode(picture(640, 480), "JPEG"), 0.9), "cannot be read"),
    "truncated-png": (lambda: truncated(encode(picture(640, 480), "PNG"), 0.5), "cannot be read"),
    "truncated-webp": (lambda: truncated(encode(picture(640, 480), "WEBP"), 0.5), "cannot be read"),
    "truncated-heic": (lambda: truncated(encode(picture(640, 480), "HEIF"), 0.5), "cannot be read"),
    "corrupt-huffman-jpeg": (corrupt_huffman_jpeg, "cannot be read"),
    "jpeg-scan-bomb": (scan_bomb_jpeg, "progressive scans"),
    "png-bomb": (lambda: png_claiming(30000, 30000), "more pixels than the limit"),
    "png-over-limit": (lambda: png_claiming(9000, 9000), "81,000,000 pixels"),
    "tiff-bomb": (lambda: tiff_claiming(100_000, 100_000), "more pixels than the limit"),
    "tiff-over-limit": (lambda: tiff_claiming(9000, 9000), "81,000,000 pixels"),
    "webp-bomb": (lambda: webp_claiming(16383, 16383), "268,402,689 pixels"),
    "sliver-1x100000": (
        lambda: encode(Image.new("L", (1, 100_000), 200), "PNG"),
        "each side must be at least",
    ),
    "sliver-40x1000": (lambda: encode(Image.new("L", (40, 1000), 200), "PNG"), "too narrow"),
    "animated-webp": (animated_webp, "Animated or multi-page"),
    "multipage-tiff": (multipage_tiff, "Animated or multi-page"),
}


# --- Odd but legitimate pictures ---------------------------------------------------------------------


def cmyk_jpeg() -> bytes:
    return encode(picture(300, 200).convert("CMYK"), "JPEG")


def png_16bit_grey() -> bytes:
    """A 16-bit grey PNG at half intensity: must come out mid-grey, not clipped to white."""
    return encode(Image.new("I;16", (120, 80), 32768), "PNG")


def palette_png_with_transparency() -> bytes:
    image = Image.new("P", (120, 80), 1)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0, 0, 0] * 254)
    image.paste(0, (0, 0, 60, 80))  # left half: index 0, red, declared transparent
    return encode(image, "PNG", transparency=0)


def hidden_under_alpha() -> bytes:
    """RGBA whose left half is fully transparent but still holds red pixels: a place to hide things."""
    image = Image.new("RGBA", (120, 80), (0, 0, 255, 255))
    image.paste((255, 0, 0, 0), (0, 0, 60, 80))
    return encode(image, "PNG")


def oriented_jpeg(orientation: int) -> bytes:
    """200x100 as stored: red left half, blue right half, with an EXIF orientation tag."""
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))
    tags = Image.Exif()
    tags[Base.Orientation] = orientation
    return encode(image, "JPEG", exif=tags.tobytes(), quality=95)


def heic(orientation: int = 1) -> bytes:
    tags = Image.Exif()
    tags[Base.Orientation] = orientation
    return encode(picture(400, 200), "HEIF", exif=tags.tobytes(), quality=90)


def heif_can_encode() -> bool:
    return bool(pillow_heif.libheif_info().get("HEIF"))


ACCEPTED: dict[str, Callable[[], bytes]] = {
    "cmyk-jpeg": cmyk_jpeg,
    "16-bit-png": png_16bit_grey,
    "palette-png-transparency": palette_png_with_transparency,
    "rgba-hidden-under-alpha": hidden_under_alpha,
    "jpeg-orientation-6": lambda: oriented_jpeg(6),
    "jpeg-orientation-8": lambda: oriented_jpeg(8),
    "heic": heic,
    "polyglot-jpeg-zip": polyglot_valid,
    "broken-icc-profile": lambda: encode(picture(200, 100), "JPEG", icc_profile=b"not a profile" * 20),
}


# --- Faces ----------------------------------------------------------------------------------------


def schematic_face(size: int = 200) -> Image.Image:
    """A drawn face that OpenCV's frontal Haar cascade detects: a light oval, dark eyes and brows, a
    nose shadow and a mouth, softened. (No photograph can be downloaded here, and OpenCV's sample
    pictures are not in the wheel.)"""
    face = Image.new("L", (size, size), 40)
    draw = ImageDraw.Draw(face)
    cx = cy = size / 2
    draw.ellipse((cx - size * 0.33, cy - size * 0.45, cx + size * 0.33, cy + size * 0.45), fill=200)
    eye_y = size * 0.42
    for side in (-1, 1):
        ex = cx + side * size * 0.19
        draw.ellipse(
            (ex - size * 0.065, eye_y - size * 0.035, ex + size * 0.065, eye_y + size * 0.035), fill=30
        )
        draw.rectangle(
            (ex - size * 0.09, eye_y - size * 0.1, ex + size * 0.09, eye_y - size * 0.075), fill=50
        )
    draw.polygon(
        [(cx, eye_y + size * 0.02), (cx - size * 0.05, size * 0.62), (cx + size * 0.05, size * 0.62)],
        fill=170,
    )
    draw.ellipse((cx - size * 0.12, size * 0.7, cx + size * 0.12, size * 0.76), fill=80)
    return face.filter(ImageFilter.GaussianBlur(3)).convert("RGB")


def scene_with_face(width: int = 900, height: int = 600, at: tuple[int, int] = (500, 150)) -> Image.Image:
    """A plain scene (a table and a box) with one schematic face at ``at``."""
    scene = Image.new("RGB", (width, height), (128, 128, 128))
    draw = ImageDraw.Draw(scene)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(110, 80, 50))
    draw.rectangle((80, height // 2, 300, height * 2 // 3), fill=(30, 90, 160))
    scene.paste(schematic_face(), at)
    return scene
