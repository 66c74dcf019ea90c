"""Factur-X in the PDF WeasyPrint writes: factur-x.xml attached, its XMP metadata.

What `facturx.generate_from_binary` did after WeasyPrint, re-reading and re-writing the
whole PDF with pypdf (about a tenth of a document's CPU), is done here on WeasyPrint's own
PDF objects before they are serialised (a WeasyPrint *finisher*), with the same result:

- factur-x.xml as an embedded file (`/Subtype /text/xml`, MD5 checksum, size, date),
  its file specification with `/AFRelationship /Data`, listed in the catalog's
  `/Names /EmbeddedFiles` and `/AF` (a PDF/A-3 associated file), `/PageMode
  /UseAttachments`;
- the XMP metadata replaced by the factur-x library's own (`generate_xmp_object`):
  PDF/A-3b identification, title, author, subject, and the Factur-X extension schema
  with `fx:DocumentType`, `fx:DocumentFileName`, `fx:Version`, `fx:ConformanceLevel`;
- the document information dictionary saying the same (PDF/A wants the two to agree),
  and the catalog's `/Lang` (en-GB, de-DE, fr-FR).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pydyf

FILENAME = "factur-x.xml"
URN = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
# The XMP's fx:ConformanceLevel per profile, as the factur-x library writes it.
XMP_LEVELS = {"minimum": "MINIMUM", "basicwl": "BASIC WL", "basic": "BASIC", "en16931": "EN 16931"}


@dataclass(frozen=True, slots=True)
class FacturX:
    xml: bytes
    level: str
    title: str
    author: str
    subject: str
    keywords: str
    lang: str
    producer: str


def _xmp(fx: FacturX, timestamp: str) -> bytes:
    # Imported on first use: factur-x pulls in pypdf and its schemas.
    from facturx.facturx import CREATOR, generate_xmp_object  # noqa: PLC0415 - heavy import, first PDF only
    from lxml import etree  # noqa: PLC0415 - loaded with factur-x above

    root = generate_xmp_object(
        {
            "pdfa3_flavor": "B",
            "title": fx.title,
            "author": fx.author,
            "subject": fx.subject,
            "producer": fx.producer,
            "creator_tool": CREATOR,
            "timestamp": timestamp,
            "version": "1.0",
            "documenttype": "INVOICE",
            "xml_filename": FILENAME,
            "xmp_level": XMP_LEVELS[fx.level],
            "urn": URN,
        }
    )
    body = etree.tostring(root, pretty_print=True).decode("utf-8").strip()
    head = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    return f'{head}\n{body}\n<?xpacket end="w"?>'.encode()


def finisher(fx: FacturX) -> Callable[[Any, pydyf.PDF], None]:
    """A WeasyPrint finisher writing `fx` into the PDF/A-3b before it is serialised."""

    def finish(_document: Any, pdf: pydyf.PDF) -> None:
        from facturx.facturx import CREATOR  # noqa: PLC0415 - heavy import, first PDF only

        now = datetime.now(UTC)
        pdf_date = pydyf.String(now.strftime("D:%Y%m%d%H%M%S+00'00'"))
        checksum = hashlib.md5(fx.xml, usedforsecurity=False).hexdigest()
        embedded = pydyf.Stream(
            [fx.xml],
            pydyf.Dictionary(
                {
                    "Type": "/EmbeddedFile",
                    "Subtype": "/text#2Fxml",
                    "Params": pydyf.Dictionary(
                        {
                            "CheckSum": f"<{checksum}>",
                            "ModDate": pdf_date,
                            "Size": len(fx.xml),
                        }
                    ),
                }
            ),
            compress=True,
        )
        pdf.add_object(embedded)
        name = pydyf.String(FILENAME)
        filespec = pydyf.Dictionary(
            {
                "Type": "/Filespec",
                "AFRelationship": "/Data",
                "Desc": pydyf.String("Factur-X XML file"),
                "F": name,
                "UF": name,
                "EF": pydyf.Dictionary({"F": embedded.reference, "UF": embedded.reference}),
            }
        )
        pdf.add_object(filespec)
        pdf.catalog["Names"] = pydyf.Dictionary(
            {"EmbeddedFiles": pydyf.Dictionary({"Names": pydyf.Array([name, filespec.reference])})}
        )
        pdf.catalog["AF"] = pydyf.Array([filespec.reference])
        pdf.catalog["PageMode"] = "/UseAttachments"
        pdf.catalog["Lang"] = pydyf.String(fx.lang)

        # WeasyPrint's PDF/A metadata stream, rewritten in place with the Factur-X one.
        metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
        metadata.stream = [_xmp(fx, now.strftime("%Y-%m-%dT%H:%M:%S+00:00"))]

        pdf.info.update(
            {
                "Title": pydyf.String(fx.title),
                "Author": pydyf.String(fx.author),
                "Subject": pydyf.String(fx.subject),
                "Keywords": pydyf.String(fx.keywords),
                "Creator": pydyf.String(CREATOR),
                "Producer": pydyf.String(fx.producer),
                "CreationDate": pdf_date,
                "ModDate": pdf_date,
            }
        )

    return finish
