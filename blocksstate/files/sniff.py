"""What a file is, from its first bytes (magic numbers), and whether a component takes it.

A visitor names their files as they like: ``file_types`` is enforced on the content.
The table covers the common image, audio, video, archive, document and text formats;
a file it does not know is "unknown binary" (taken only where any file is, or by an
extension the table does not claim).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

from .store import guess_type

# Bytes read before deciding (the first chunk of an upload is at least this long).
SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Kind:
    """A sniffed format: its MIME type, its family ("image", "audio"...) and its extensions."""

    mime_type: str
    family: str
    extensions: tuple[str, ...]


def _at(offset: int, magic: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[offset : offset + len(magic)] == magic


def _riff(form: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == form


def _ftyp(*brands: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[4:8] == b"ftyp" and head[8:12] in brands


def _mp3(head: bytes) -> bool:
    # ID3 tag, or an MPEG audio frame sync (11 bits set) with layer III.
    return head[:3] == b"ID3" or (
        len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 == 0x02
    )


def _aac(head: bytes) -> bool:
    return len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0


def _ebml(doc_type: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"\x1a\x45\xdf\xa3" and doc_type in head[:64]


MP4_VIDEO = (b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash")
MP4_VIDEO += (b"M4V ", b"mmp4", b"MSNV", b"3gp4", b"3gp5", b"3g2a")

# The table, most specific first: (test of the first bytes, what it means).
SIGNATURES: list[tuple[Callable[[bytes], bool], Kind]] = [
    (_at(0, b"\x89PNG\r\n\x1a\n"), Kind("image/png", "image", (".png", ".apng"))),
    (_at(0, b"\xff\xd8\xff"), Kind("image/jpeg", "image", (".jpg", ".jpeg", ".jpe", ".jfif"))),
    (_at(0, b"GIF87a"), Kind("image/gif", "image", (".gif",))),
    (_at(0, b"GIF89a"), Kind("image/gif", "image", (".gif",))),
    (_riff(b"WEBP"), Kind("image/webp", "image", (".webp",))),
    (_at(0, b"BM"), Kind("image/bmp", "image", (".bmp", ".dib"))),
    (_at(0, b"\x00\x00\x01\x00"), Kind("image/x-icon", "image", (".ico",))),
    (_at(0, b"II*\x00"), Kind("image/tiff", "image", (".tif", ".tiff"))),
    (_at(0, b"MM\x00*"), Kind("image/tiff", "image", (".tif", ".tiff"))),
    (_ftyp(b"avif", b"avis"), Kind("image/avif", "image", (".avif",))),
    (_ftyp(b"heic", b"heix", b"mif1", b"msf1"), Kind("image/heic", "image", (".heic", ".heif"))),
    (_riff(b"WAVE"), Kind("audio/wav", "audio", (".wav", ".wave"))),
    (_at(0, b"fLaC"), Kind("audio/flac", "audio", (".flac",))),
    (_ftyp(b"M4A ", b"M4B "), Kind("audio/mp4", "audio", (".m4a", ".m4b", ".mp4"))),
    (_at(0, b"#!AMR"), Kind("audio/amr", "audio", (".amr",))),
    (_at(0, b"FORM"), Kind("audio/aiff", "audio", (".aif", ".aiff", ".aifc"))),
    # Ogg holds audio (Vorbis, Opus) or video (Theora): called audio, either extension.
    (_at(0, b"OggS"), Kind("audio/ogg", "audio", (".ogg", ".oga", ".opus", ".ogv", ".spx"))),
    (_mp3, Kind("audio/mpeg", "audio", (".mp3",))),
    (_aac, Kind("audio/aac", "audio", (".aac",))),
    (_ftyp(b"qt  "), Kind("video/quicktime", "video", (".mov", ".qt"))),
    (_ftyp(*MP4_VIDEO), Kind("video/mp4", "video", (".mp4", ".m4v", ".3gp", ".3g2"))),
    (_ebml(b"webm"), Kind("video/webm", "video", (".webm", ".weba"))),
    (_ebml(b"matroska"), Kind("video/x-matroska", "video", (".mkv", ".mka", ".mk3d"))),
    (_riff(b"AVI "), Kind("video/x-msvideo", "video", (".avi",))),
    (_at(0, b"\x00\x00\x01\xba"), Kind("video/mpeg", "video", (".mpg", ".mpeg", ".vob"))),
    (_at(0, b"FLV\x01"), Kind("video/x-flv", "video", (".flv",))),
    (_at(0, b"%PDF-"), Kind("application/pdf", "document", (".pdf",))),
    (
        _at(0, b"PK\x03\x04"),
        Kind(
            "application/zip",
            "archive",
            (".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub", ".jar"),
        ),
    ),
    (_at(0, b"PK\x05\x06"), Kind("application/zip", "archive", (".zip",))),
    (_at(0, b"\x1f\x8b"), Kind("application/gzip", "archive", (".gz", ".tgz"))),
    (_at(0, b"BZh"), Kind("application/x-bzip2", "archive", (".bz2", ".tbz2"))),
    (_at(0, b"\xfd7zXZ\x00"), Kind("application/x-xz", "archive", (".xz", ".txz"))),
    (_at(0, b"(\xb5/\xfd"), Kind("application/zstd", "archive", (".zst",))),
    (_at(0, b"7z\xbc\xaf\x27\x1c"), Kind("application/x-7z-compressed", "archive", (".7z",))),
    (_at(0, b"Rar!\x1a\x07"), Kind("application/vnd.rar", "archive", (".rar",))),
    (_at(257, b"ustar"), Kind("application/x-tar", "archive", (".tar",))),
    (_at(0, b"\x93NUMPY"), Kind("application/octet-stream", "data", (".npy",))),
    (_at(0, b"SQLite format 3\x00"), Kind("application/vnd.sqlite3", "data", (".sqlite", ".db"))),
]

TEXT_EXTENSIONS = [
    ".txt",
    ".text",
    ".csv",
    ".tsv",
    ".json",
    ".jsonl",
    ".ndjson",
    ".md",
    ".markdown",
    ".rst",
    ".log",
    ".yaml",
    ".yml",
    ".toml",
    ".ini",
    ".cfg",
    ".conf",
    ".xml",
    ".py",
    ".js",
    ".ts",
    ".css",
    ".c",
    ".h",
    ".cpp",
    ".java",
    ".go",
    ".rs",
    ".rb",
    ".sh",
    ".sql",
    ".srt",
    ".vtt",
    ".tex",
    ".bib",
    ".ipynb",
]
TEXT = Kind("text/plain", "text", tuple(TEXT_EXTENSIONS))
HTML = Kind("text/html", "text", (".html", ".htm", ".xhtml"))
SVG = Kind("image/svg+xml", "image", (".svg", ".svgz"))
UNKNOWN = Kind("application/octet-stream", "unknown", ())

# Every extension the table claims: a name with one of them must have that content.
CLAIMED = frozenset(ext for _, kind in SIGNATURES for ext in kind.extensions) | {
    *TEXT.extensions,
    *HTML.extensions,
    *SVG.extensions,
}
# Families a component's file_types may name.
FAMILIES = ("image", "audio", "video", "text")
# Types a page must never be given to show inline (they run scripts).
ACTIVE_TYPES = ("image/svg+xml", "text/html", "application/xhtml+xml", "text/xml")

HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")


def sniff(head: bytes) -> Kind:
    """The format of a file that starts with ``head`` (its first ``SNIFF_BYTES``)."""
    for test, kind in SIGNATURES:
        if test(head):
            return kind
    if not _is_text(head):
        return UNKNOWN
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(HTML_STARTS):
        return HTML
    if b"<svg" in start[:1024] and start.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")):
        return SVG
    return TEXT


def _is_text(head: bytes) -> bool:
    """UTF-8 (or UTF-16 with its mark) without control bytes; a cut last character is fine."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\b\x1b")
    return controls <= len(head) // 100


def extension(file_name: str) -> str:
    """The lower-case extension of a file name (``""`` without one)."""
    return os.path.splitext(file_name)[1].lower()


def accepts(kind: Kind, file_name: str, file_types: Iterable[str] | None) -> bool:
    """Whether a file of this content and name is one of ``file_types`` (None: any file).

    A family ("image") takes any file sniffed as one; an extension (".csv") takes a file
    named so whose content does not contradict it: the content is that format, or the
    extension is one the table does not claim and the content is text or unknown.
    """
    if file_types is None:
        return True
    ext = extension(file_name)
    for wanted in file_types:
        wanted = wanted.lower()
        if wanted in FAMILIES:
            if kind.family == wanted:
                return True
        elif wanted == "file" or ext == ("." + wanted.lstrip(".")) and consistent(kind, ext):
            return True
    return False


def consistent(kind: Kind, ext: str) -> bool:
    """Whether a file named with ``ext`` may have content of this kind."""
    if ext in kind.extensions:
        return True
    return ext not in CLAIMED and kind.family in ("text", "unknown")


def mime_type(kind: Kind, file_name: str) -> str:
    """The MIME type to record: the name's when it agrees with the content, else the content's."""
    ext = extension(file_name)
    if kind is UNKNOWN:
        return UNKNOWN.mime_type
    if ext in kind.extensions or (kind is TEXT and ext not in CLAIMED):
        guessed = guess_type(file_name)
        if kind is TEXT and not guessed.startswith(("text/", "application/json")):
            return kind.mime_type
        return guessed
    return kind.mime_type


def describe(file_types: Iterable[str]) -> str:
    """File types as a visitor reads them ("images, .csv"), in the active language."""
    names = {
        "image": gettext("images"),
        "audio": gettext("audio"),
        "video": gettext("videos"),
        "text": gettext("text files"),
    }
    return ", ".join(names.get(t, t) for t in file_types)
