"""Image files for tests: a decompression bomb's header without its gigabytes."""

from __future__ import annotations

import struct
import zlib


def png_header(path, width: int, height: int) -> None:
    """A PNG that claims ``width x height`` 8-bit gray pixels and holds a few (~100 bytes).

    Decoding it would need ``width * height`` bytes; a reader must refuse it from the header.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit gray, no interlace

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
