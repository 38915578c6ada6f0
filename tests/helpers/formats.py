"""Small documents in every format the loaders read, written by the tests
(no binary fixtures in the repository), each holding facts the tests ask about."""

from __future__ import annotations

from pathlib import Path

SCAN_LINES = ["The observatory dome was", "painted green in 1987.", "Visitors climb ninety steps."]


def write_pptx(path: Path) -> Path:
    import pptx

    deck = pptx.Presentation()
    layout = deck.slide_layouts[1]
    for title, body, notes in [
        ("Quarterly review", "Revenue grew in every region.", ""),
        ("Shipping", "The warehouse in Tromsø ships orders within two days.", "Mention the new forklift."),
    ]:
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    deck.save(str(path))
    return path


def write_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["Item", "Value"])
    summary.append(["Owner", "Harbour Trust"])
    prices = book.create_sheet("Prices")
    prices.append(["Plan", "Price", "Notes"])
    prices.append(["Day pass", "12 kroner", "valid until midnight"])
    prices.append(["Season ticket", "480 kroner", "valid for one year"])
    book.save(path)
    return path


def write_csv(path: Path) -> Path:
    path.write_text("ferry,departs,pier\nMorning Star,07:15,Pier 4\nEvening Gull,19:40,Pier 9\n", encoding="utf-8")
    return path


TARIFFS = [["Ticket", "Adult", "Child", "Valid for"], ["Single ride", "3.20", "1.60", "90 minutes"],
           ["Day pass", "9.50", "4.75", "one calendar day"], ["Week pass", "31.00", "15.50", "seven days"]]


def write_table_pdf(path: Path) -> Path:
    """A typeset page with a ruled table of ``TARIFFS`` between two paragraphs, and a framed
    note (one cell: not a table)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    grid = Table(TARIFFS)
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    note = Table([["Note: tickets bought on board cost one euro more."]])
    note.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black)]))
    SimpleDocTemplate(str(path)).build([
        Paragraph("Fares of the harbour ferry are set each January by the port council.", styles["Normal"]),
        Spacer(1, 12), grid, Spacer(1, 12),
        Paragraph("Children under six travel free with an adult.", styles["Normal"]), Spacer(1, 12), note])
    return path


RESULTS = [["", "", "Dev set", "", "Test"], ["Reader", "Size", "EM", "F1", "F1"],
           ["Heron", "22M", "61.4", "72.9", "70.3"], ["Kestrel", "110M", "70.8", "80.5", "79.6"],
           ["Osprey", "335M", "75.2", "84.7", "83.1"]]
LEFT_PROSE = "The smallest reader, Heron, answers in a tenth of a second on a laptop."
RIGHT_PROSE = "Training all three readers took eleven days on the department's cluster."


def write_booktabs_pdf(path: Path) -> Path:
    """A two-column paper page: a caption and a table ruled only across (top, under the
    header, bottom; a two-level header) in the left column, a boxed listing below it, and
    prose beside them in the right column."""
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph, Preformatted, Spacer
    from reportlab.platypus import Table, TableStyle

    styles = getSampleStyleSheet()
    table = Table(RESULTS)
    table.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1, colors.black),
                               ("SPAN", (2, 0), (3, 0)), ("LINEBELOW", (2, 0), (3, 0), 0.3, colors.black),
                               ("LINEBELOW", (0, 1), (-1, 1), 0.5, colors.black),
                               ("LINEBELOW", (0, -1), (-1, -1), 1, colors.black)]))
    listing = Table([[Preformatted("$ reader --size 22M --train data/\n$ reader --eval dev.jsonl", styles["Code"])]])
    listing.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.black)]))
    document = BaseDocTemplate(str(path))
    width = (document.width - 24) / 2
    document.addPageTemplates([PageTemplate(frames=[
        Frame(document.leftMargin, document.bottomMargin, width, document.height),
        Frame(document.leftMargin + width + 24, document.bottomMargin, width, document.height)])])
    prose = ("We compare three readers trained on the same questions and scored on held-out ones. " * 3).strip()
    document.build([Paragraph(prose, styles["Normal"]), Spacer(1, 12),
                    Paragraph("Table 1: Exact match and F1 of the three readers. Higher is better.", styles["Normal"]),
                    Spacer(1, 6), table, Spacer(1, 12), Paragraph(LEFT_PROSE, styles["Normal"]), Spacer(1, 12),
                    listing, FrameBreak(), *[Paragraph(RIGHT_PROSE, styles["Normal"])] * 12])
    return path


def write_long_table_pdf(path: Path, rows: int = 120) -> Path:
    """A ruled table of ``rows`` numbered harbour berths typeset over several pages, its
    header repeated at the top of each."""
    from reportlab.lib import colors
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    grid = Table([["Berth", "Length", "Depth"]] + [[f"Berth {n}", f"{100 + n} m", f"{n % 9 + 4} m"]
                                                   for n in range(1, rows + 1)], repeatRows=1)
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    SimpleDocTemplate(str(path)).build([grid])
    return path


def write_epub(path: Path) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("test-lighthouses")
    book.set_title("Lighthouses of the North")
    book.set_language("en")
    chapters = []
    for n, (title, body) in enumerate([
        ("Early towers", "The first tower at Skagen burned coal in an open basket."),
        ("Lenses", "The Fresnel lens at Hanstholm was installed in 1843 and still turns today."),
    ], start=1):
        chapter = epub.EpubHtml(title=title, file_name=f"chap{n}.xhtml", lang="en")
        chapter.content = f"<h1>{title}</h1><p>{body}</p>"
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(path), book)
    return path


def write_odt(path: Path) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Garden rules"))
    document.text.addElement(P(text="Dogs must be kept on a lead near the rose beds."))
    document.text.addElement(H(outlinelevel=1, text="Opening hours"))
    document.text.addElement(P(text="The glasshouse closes at four in the afternoon."))
    document.save(str(path))
    return path


def scan(lines: list[str] = SCAN_LINES, size: int = 64):
    """A white page image with ``lines`` printed in black in a font ``size`` pixels high."""
    from PIL import Image, ImageDraw, ImageFont

    f = size / 64
    image = Image.new("RGB", (round(1700 * f), round((210 + 130 * len(lines)) * f)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size)
    for i, line in enumerate(lines):
        draw.text((round(80 * f), round((80 + i * 130) * f)), line, fill="black", font=font)
    return image


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose only page is an image of ``SCAN_LINES``: no text layer at all."""
    scan().save(path, "PDF", resolution=200)
    return path


def write_manual_pdf(path: Path) -> Path:
    """A typeset-looking manual: a contents page, a running header on every page, a
    footer that names the chapter and the page number, and a word hyphenated across
    two lines."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    body = [
        ["Contents", "1 Installing the pump . . . . . . . . 2", "2 Cleaning the filter . . . . . . . . 3",
         "3 Winter storage . . . . . . . . 4", "4 Spare parts . . . . . . . . 5", "5 Warranty . . . . . . . . 6"],
        ["1 Installing the pump", "Bolt the pump to a level concrete base before connecting any of the",
         "hoses. The inlet hose must not be longer than seven metres."],
        ["2 Cleaning the filter", "Rinse the filter under running water every month. Never use a pressure",
         "washer, because it damages the fine mesh and voids the manu-",
         "facturer's warranty on the filter housing."],
        ["3 Winter storage", "Drain the pump completely and store it indoors when frost is forecast."],
    ]
    for number, lines in enumerate(body, start=1):
        pdf.drawString(72, 800, "AquaFlow 300 Owner's Manual")
        for i, line in enumerate(lines):
            pdf.drawString(72, 740 - 18 * i, line)
        chapter = lines[0] if number > 1 else "Contents"
        pdf.drawString(280, 40, f"{chapter} {number}" if number % 2 else f"{number} AquaFlow 300")
        pdf.showPage()
    pdf.save()
    return path


MANUAL_HTML = """<html><head><title>Cleaning the filter</title></head><body>
<div class="navheader"><table><tr><td><a href="ch1.html">Prev</a></td><td>Chapter 2</td>
<td><a href="ch3.html">Next</a></td></tr></table></div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/download">Download the ebook</a></li></ul></nav>
<div class="sidebar"><h3>On this page</h3><a href="#a">Monthly rinse</a></div>
<div class="toc"><ul><li><a href="#a">2.1 Monthly rinse</a></li><li><a href="#b">2.2 Spare parts</a></li></ul></div>
<h1>2. Cleaning the filter</h1>
<h2 id="a">2.1. Monthly rinse</h2>
<p>Rinse the filter under running water every month.</p>
<h2 id="b">2.2. Spare parts</h2>
<p>Replacement filters are sold in packs of three.</p>
<div class="navfooter"><a href="ch1.html">Prev</a> <a href="index.html">Home</a> <a href="ch3.html">Next</a></div>
<footer>Copyright 2024 AquaFlow</footer>
</body></html>"""


def write_all(folder: Path) -> Path:
    """Every format, plus the files a real documentation folder holds beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    write_pptx(folder / "review.pptx")
    write_xlsx(folder / "tariffs.xlsx")
    write_csv(folder / "ferries.csv")
    write_epub(folder / "lighthouses.epub")
    write_odt(folder / "garden.odt")
    write_scanned_pdf(folder / "scan.pdf")
    write_manual_pdf(folder / "pump.pdf")
    (folder / "filter.html").write_text(MANUAL_HTML, encoding="utf-8")
    images = folder / "images"
    images.mkdir(exist_ok=True)
    for name in ("prev.png", "next.png"):
        (images / name).write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    (folder / "style.css").write_text("body { color: black }\n")
    (folder / "Makefile").write_text("all:\n\techo done\n")
    import gzip

    (folder / "release-notes.txt.gz").write_bytes(gzip.compress(
        b"Release notes\n\nVersion 4 of the booking system adds refunds by text message.\n"))
    (folder / "changelog.gz").write_bytes(gzip.compress(b"booking (4.0) stable; urgency=low\n"))
    return folder


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
_WPS = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'


def write_word_manual(path: Path) -> Path:
    """A Word manual as Word writes one: a cover page and a table of contents in content
    controls, a form field in a paragraph, a callout in a text box (written twice, for new
    and old readers), and a footnote."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    body = document.element.body
    body.append(parse_xml(
        f'<w:sdt {_W}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Cover Pages"/></w:docPartObj></w:sdtPr>'
        '<w:sdtContent><w:p><w:r><w:t>The pump is made by Velonord in Tampere.</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    body.append(parse_xml(
        f'<w:sdt {_W}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr>'
        '<w:sdtContent><w:p><w:r><w:t>Cleaning the filter ........ 3</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    document.add_heading("Cleaning the filter", level=1)
    field = document.add_paragraph("Rinse the filter every ")
    field._p.append(parse_xml(f'<w:sdt {_W}><w:sdtContent><w:r><w:t>30 days</w:t></w:r></w:sdtContent></w:sdt>'))
    field._p.append(parse_xml(f'<w:r {_W}><w:t xml:space="preserve"> under running water.</w:t></w:r>'))
    callout = document.add_paragraph("Spare filters come in packs of three.")
    box = '<w:txbxContent><w:p><w:r><w:t>CAUTION: never run the pump dry.</w:t></w:r></w:p></w:txbxContent>'
    callout._p.append(parse_xml(
        f'<w:r {_W} {_MC} {_WPS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}'
        f'</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    cited = document.add_paragraph("The seals are rated for water up to 60 degrees.")
    cited._p.append(parse_xml(f'<w:r {_W}><w:footnoteReference w:id="1"/></w:r>'))
    notes = (f'<w:footnotes {_W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>Tested to EN 60335 by the maker.</w:t></w:r></w:p>'
             '</w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                notes.encode(), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    document.save(str(path))
    return path


PAPER_BODY = ("The basic reproduction number of SARS was estimated at 2.7<super>3-5</super>, and the incubation "
              "period lasted five days on average<super>1</super>. Hand hygiene reduces transmission<super>6</super>"
              "in households. The dose was 10<super>-3</super> mg per kg, the ward covered 40 m<super>2</super> in "
              "all, and CO<sub>2</sub> and H<sub>2</sub>O were measured in the 21<super>st</super> week.")


def write_paper_with_marks(path: Path) -> Path:
    """A paper's page, its text under an unnumbered "Abstract", whose reference and footnote
    marks, exponents and subscripts are set smaller and raised or lowered, with a footnote
    at its foot."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    small = styles["Normal"].clone("footnote", fontSize=8, leading=10)
    notes = [Paragraph("*Institute of Horticultural Engineering.", small),
             Paragraph("<super>1</super>Measured from exposure to the onset of symptoms.", small)]
    SimpleDocTemplate(str(path)).build([Paragraph("Abstract", styles["Heading2"]), Paragraph(PAPER_BODY, styles["Normal"]),
                                        Spacer(1, 450), *notes])
    return path


def write_manual_with_drawn_underscores(path: Path) -> Path:
    """A function reference typeset as texinfo does outside typewriter type: each
    underscore a thin rule on the baseline, not a character; one name broken across
    lines after its underscore; a short word underlined, which is not an underscore; and
    accents set as glyphs of their own before their letters, as TeX's OT1 fonts set them."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    canvas, size = Canvas(str(path)), 10

    def line(pieces: list[str], y: float, x: float = 72) -> None:
        for n, piece in enumerate(pieces):
            canvas.drawString(x, y, piece)
            x += stringWidth(piece, "Helvetica", size)
            if n < len(pieces) - 1:
                canvas.rect(x + 0.6, y - 0.3, 0.42 * size, 0.09 * size, stroke=0, fill=1)
                x += 0.6 + 0.42 * size + 0.6

    canvas.setFont("Helvetica", size)
    line(["asn1", "der", "coding"], 700)
    line(["int asn1_der_coding (asn1", "node element, char * error", "desc)"], 686)
    line(["error", "desc: return the error description, or an empty string on success."], 672)
    canvas.drawString(72, 658, "Returns ASN1_NAME_TOO_LONG if a name is longer than ASN1_MAX_")
    canvas.drawString(72, 646, "NAME_SIZE characters, and ASN1_SUCCESS otherwise.")
    canvas.drawString(72, 614, "Written by Niels M\u00a8oller and Micha\u00a8el Peeters; it\u00b4s free software.")
    canvas.drawString(72, 630, "See also: Go to the index.")
    canvas.rect(72 + stringWidth("See also: ", "Helvetica", size), 629, stringWidth("Go", "Helvetica", size), 0.6,
                stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return path
