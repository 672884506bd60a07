"""Reading PASCAL VOC files: image-list lines and XML annotations (shared by loader and tools)."""

from __future__ import annotations

import os.path as osp
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from PIL import Image

_YEAR_DIR = re.compile(r'^VOC\d{4}$')


@dataclass
class VOCObject:
    """One ``<object>`` of a VOC XML file.

    Attributes:
        name: Class name.
        difficult: The ``<difficult>`` flag (0 when absent).
        bbox: ``[xmin, ymin, xmax, ymax]`` as written in the file (1-based pixels).
    """

    name: str
    difficult: bool
    bbox: list[float]


@dataclass
class VOCRecord:
    """A parsed VOC XML file; ``width``/``height`` are ``None`` when ``<size>`` is missing."""

    xml_path: str
    filename: str | None
    width: int | None
    height: int | None
    objects: list[VOCObject] = field(default_factory=list)


def resolve_image_line(line: str, ann_file: str) -> tuple[str, str]:
    """Turns one line of a VOC image list into ``(subset folder, image id)``.

    A line is either an image id (``000005``), whose subset folder (e.g.
    ``VOC2007``) is the folder above ``ImageSets`` in ``ann_file``'s path, or an
    image path such as ``VOC2012/JPEGImages/2008_000008.jpg`` (as in the TFA
    few-shot split files), whose subset folder is the one above ``JPEGImages``.

    Raises:
        ValueError: When the subset folder cannot be told.
    """
    line = line.strip()
    if '/' in line or '\\' in line:
        parts = re.split(r'[\\/]+', line)
        img_id = osp.splitext(parts[-1])[0]
        if 'JPEGImages' in parts[:-1]:
            pos = len(parts) - 1 - parts[::-1].index('JPEGImages')
            if pos >= 1:
                return parts[pos - 1], img_id
        years = [p for p in parts[:-1] if _YEAR_DIR.match(p)]
        if years:
            return years[-1], img_id
        raise ValueError(
            f'{ann_file}: cannot tell the VOC folder of line {line!r}; write paths as '
            '<subset>/JPEGImages/<image>.jpg (e.g. VOC2007/JPEGImages/000005.jpg)'
        )
    parts = re.split(r'[\\/]+', osp.abspath(ann_file))
    if 'ImageSets' in parts:
        pos = len(parts) - 1 - parts[::-1].index('ImageSets')
        if pos >= 1:
            return parts[pos - 1], line
    years = [p for p in parts[:-1] if _YEAR_DIR.match(p)]
    if years:
        return years[-1], line
    raise ValueError(
        f'{ann_file}: cannot tell the VOC folder of image id {line!r}; put the list under '
        '<subset>/ImageSets/Main/ or write image paths like VOC2007/JPEGImages/000005.jpg'
    )


def _text(node: ET.Element | None) -> str | None:
    return None if node is None or node.text is None else node.text.strip()


def parse_voc_xml(xml_path: str) -> VOCRecord:
    """Parses a VOC annotation file.

    Raises:
        FileNotFoundError: When ``xml_path`` does not exist.
        ValueError: When the XML is malformed, an object has no ``<name>`` or
            ``<bndbox>``, or a coordinate is not a number.
    """
    if not osp.isfile(xml_path):
        raise FileNotFoundError(
            f"annotation file '{xml_path}' does not exist; check img_prefix (it must hold "
            '<subset>/Annotations/) and the image list'
        )
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as e:
        raise ValueError(f'{xml_path} is not valid XML ({e}); fix or regenerate the file') from e
    width = height = None
    size = root.find('size')
    if size is not None:
        w, h = _text(size.find('width')), _text(size.find('height'))
        try:
            width = int(float(w)) if w else None
            height = int(float(h)) if h else None
        except ValueError as e:
            raise ValueError(f'{xml_path}: <size> is not numeric ({w!r}, {h!r})') from e
        if not width or not height:
            width = height = None
    record = VOCRecord(xml_path, _text(root.find('filename')), width, height)
    for k, obj in enumerate(root.findall('object')):
        name = _text(obj.find('name'))
        if not name:
            raise ValueError(f'{xml_path}: object {k} has no <name>; add the class name')
        difficult = _text(obj.find('difficult'))
        box = obj.find('bndbox')
        if box is None:
            raise ValueError(
                f'{xml_path}: object {k} ({name!r}) has no <bndbox>; add '
                '<bndbox><xmin/><ymin/><xmax/><ymax/></bndbox> or remove the object'
            )
        coords = []
        for tag in ('xmin', 'ymin', 'xmax', 'ymax'):
            value = _text(box.find(tag))
            try:
                coords.append(float(value))  # type: ignore[arg-type]
            except (TypeError, ValueError) as e:
                raise ValueError(
                    f'{xml_path}: object {k} ({name!r}) has <{tag}>={value!r}, not a number'
                ) from e
        record.objects.append(VOCObject(name, bool(int(float(difficult or 0))), coords))
    return record


def image_size(img_path: str) -> tuple[int, int]:
    """Returns ``(width, height)`` of an image file without decoding its pixels.

    Raises:
        FileNotFoundError: When the file does not exist.
        ValueError: When it is not a readable image.
    """
    if not osp.isfile(img_path):
        raise FileNotFoundError(
            f"image '{img_path}' does not exist (its XML has no <size>); add <size> to the "
            'XML or put the image there'
        )
    try:
        with Image.open(img_path) as img:
            width, height = img.size
    except OSError as e:
        raise ValueError(f'{img_path} is not a readable image ({e}); replace the file') from e
    return int(width), int(height)


def check_box(bbox: list[float], width: int, height: int, where: str) -> None:
    """Checks that a VOC box is ordered and inside the image (1 pixel of slack).

    Raises:
        ValueError: Naming ``where`` and the box.
    """
    x1, y1, x2, y2 = bbox
    if x2 < x1 or y2 < y1:
        raise ValueError(
            f'{where}: box {bbox} has xmax < xmin or ymax < ymin; swap or fix the coordinates'
        )
    if x1 < -1 or y1 < -1 or x2 > width + 1 or y2 > height + 1:
        raise ValueError(
            f'{where}: box {bbox} lies outside the {width}x{height} image; clip it to the image'
        )
