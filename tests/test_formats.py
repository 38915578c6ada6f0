"""Each format's loader: the text a reader would see, with pages, slides, sheets
and headings as the citations will show them."""

import pytest

from helpers import formats
from index.errors import LoadError
from index.loaders import load_file


def load(path):
    [document] = load_file(path, path.name)
    return document


def section_of(document, phrase):
    return document.section_at(document.text.index(phrase))


def page_of(document, phrase):
    offset = document.text.index(phrase)
    return next(p.number for p in document.pages if p.start <= offset < p.end)


def test_html_keeps_the_content_and_drops_navigation_sidebars_and_footers(tmp_path):
    path = tmp_path / "filter.html"
    path.write_text(formats.MANUAL_HTML)
    document = load(path)
    assert "Rinse the filter under running water every month." in document.text
    for furniture in ("Prev", "Next", "Home", "Download the ebook", "On this page", "Copyright 2024"):
        assert furniture not in document.text
    assert document.text.count("Monthly rinse") == 1  # the heading, not the table of contents' link to it
    assert section_of(document, "Replacement filters") == "2.2. Spare parts"
    assert "\n\n2.2. Spare parts\n\n" in document.text  # a heading is never glued onto a sentence


def test_docbook_boxed_notes_are_kept_and_publican_page_furniture_is_dropped(tmp_path):
    path = tmp_path / "apt-file.html"
    path.write_text("""<html><head><title>6.4. The apt-file Command</title></head><body>
<div id="banner"><a href="https://example.org/get/"><span class="text">Download the ebook</span></a></div>
<ul class="docnav top"><li class="previous"><a href="a.html"><strong>Prev</strong></a></li>
<li class="home">The Pump Owner's Handbook</li><li class="next"><a href="b.html"><strong>Next</strong></a></li></ul>
<div class="section"><h2 class="title">6.4. The apt-file Command</h2>
<div class="para">The apt-file update command downloads the contents of every package source.</div>
<div class="sidebar"><div class="title">TIP Finding a file's package</div>
<div class="para">To find the package a local file belongs to, use dpkg -S file (see
<a href="dpkg.html">Section 5.4.3</a>); dpkg -L package lists the files of an installed package.</div></div>
<div class="sidebar"><div class="title">On this page</div><a href="#a">Updating</a> <a href="#b">Searching</a></div>
</div></body></html>""")
    document = load(path)
    assert "use dpkg -S file (see Section 5.4.3)" in " ".join(document.text.split())
    assert "TIP Finding a file's package" in document.text
    for furniture in ("Download the ebook", "Prev", "The Pump Owner's Handbook", "On this page", "Searching"):
        assert furniture not in document.text


def test_a_docbook_note_drawn_as_a_table_is_read_as_text_not_as_a_data_table(tmp_path):
    path = tmp_path / "ch02.html"
    path.write_text("""<html><body><h3>2.1.2. Basic precautions</h3>
<div class="warning"><table border="0" summary="Warning"><tr><td rowspan="2"><img alt="[Warning]" src="w.png"/></td>
<th>Warning</th></tr><tr><td><p>Do not install packages from a random mixture of suites.</p></td></tr></table></div>
<table><tr><th>Suite</th><th>Codename</th></tr><tr><td>stable</td><td>bookworm</td></tr></table>
</body></html>""")
    document = load(path)
    assert "Warning\n\nDo not install packages from a random mixture of suites." in document.text
    assert "Column" not in document.text and "bookworm" in document.text


def test_sphinx_sections_footnotes_and_single_page_builds_are_kept_and_their_contents_lists_are_not(tmp_path):
    path = tmp_path / "policy.html"
    path.write_text("""<html><body><div class="related" role="navigation"><a href="a.html">previous</a></div>
<div class="document"><h1>Debian Policy Manual</h1>
<p>This manual describes the policy requirements for the Debian distribution and its archive.</p>
<div class="toctree-wrapper compound"><ul><li><a href="ch-scope.html">1. About this manual</a></li>
<li><a href="ch-archive.html">2. The Debian Archive</a></li><li><a href="ch-binary.html">3. Binary packages</a></li></ul></div>
<section id="related-documents"><h2>1.4. Related documents</h2>
<p>The Filesystem Hierarchy Standard is one of the documents needed to understand these policies.<a class="footnote-reference"
href="#f1">1</a></p></section>
<div class="toctree-wrapper compound"><section id="handling-security-related-bugs"><h2>5.8.5. Handling security-related bugs</h2>
<p>Security-related bugs are handled together with the Debian Security Team.</p></section></div>
<aside class="footnote-list brackets"><aside class="footnote brackets" id="f1"><p>The FHS is
published by the Linux Foundation and is included in the debian-policy package.</p></aside></aside>
<aside class="topic"><p class="topic-title">Abstract</p><p>Packages built for both releases reach more users,
so this guide shows how to support them from one code base.</p></aside>
<aside class="widget"><p>See also</p><a href="x.html">Upgrading</a> <a href="y.html">Porting</a></aside>
</div></body></html>""")
    text = " ".join(load(path).text.split())
    for kept in ("This manual describes the policy requirements", "1.4. Related documents",
                 "one of the documents needed", "handled together with the Debian Security Team",
                 "published by the Linux Foundation", "support them from one code base"):
        assert kept in text
    for furniture in ("previous", "2. The Debian Archive", "3. Binary packages", "See also", "Porting"):
        assert furniture not in text


def test_pdf_drops_contents_pages_running_headers_and_joins_hyphenated_words(tmp_path):
    document = load(formats.write_manual_pdf(tmp_path / "pump.pdf"))
    assert "AquaFlow 300" not in document.text and "Cleaning the filter 3" not in document.text
    assert ". . . ." not in document.text and [p.number for p in document.pages] == [2, 3, 4]
    assert "voids the manufacturer's warranty" in document.text
    assert page_of(document, "store it indoors") == 4
    assert section_of(document, "Rinse the filter") == "2 Cleaning the filter"


def test_a_compound_broken_at_a_line_end_keeps_its_hyphen_and_a_broken_word_is_joined():
    from index.loaders.pages import PageRead, document

    page = ("The pump lifts water twenty-\ntwo metres under a long-\nterm lease. Its manu-\nfacturer is Hyde.\n"
            "It has forty\x02two pistons and is evalu\x02ated each year.")  # pdfium joins some lines itself
    text = document("pump.pdf", [PageRead(page)]).text
    assert "twenty-two metres" in text and "long-term lease" in text and "manufacturer is Hyde" in text
    assert "forty-two pistons" in text and "evaluated each year" in text


def test_latex_ligatures_without_a_unicode_map_are_spelled_out():
    from index.loaders.pages import PageRead, document

    page = "The \x1crst \x1cle lists zones that have di\x1bered since 1970, in \x1dat o\x1eces."  # T1 slots
    assert document("zones.pdf", [PageRead(page)]).text == (
        "The first file lists zones that have differed since 1970, in flat offices.")


def test_a_chapters_own_contents_list_is_left_out_and_its_text_kept():
    """DocBook's and LaTeX's manuals open each chapter with its contents, dot leaders to page numbers
    (bzip2's manual; valgrind's numbers its front matter in roman): entries are no passage to cite."""
    from index.loaders.pages import PageRead, document

    chapter = ("2. How to use bzip2\nTable of Contents\n2.1. NAME . . . . . . . . . . . . . . . . . . . 2\n"
               "2.2. SYNOPSIS . . . . . . . . . . . . . . . . . . 2\n"
               "This chapter contains a copy of the bzip2 man page, and nothing else.\n")
    contents = "\n".join(f"Chapter {n} ......................................... {roman}"
                          for n, roman in enumerate(("iii", "iv", "xii", "xix", "clxxviii"), 1))
    text = document("manual.pdf", [PageRead(contents), PageRead(chapter)]).text
    assert "This chapter contains a copy of the bzip2 man page, and nothing else." in text
    assert "NAME . ." not in text and "SYNOPSIS" not in text and "Chapter" not in text


def test_a_ruled_pdf_table_is_kept_as_a_table_between_its_paragraphs(tmp_path):
    document = load(formats.write_table_pdf(tmp_path / "fares.pdf"))
    [table] = document.tables
    assert table.header == ("Ticket", "Adult", "Child", "Valid for")
    assert [row.cells for row in table.rows] == [tuple(row) for row in formats.TARIFFS[1:]]
    text = document.text
    day = text.index("Ticket: Day pass; Adult: 9.50; Child: 4.75; Valid for: one calendar day.")
    assert text.index("set each January") < day < text.index("Children under six")
    assert "Day pass 9.50" not in text  # the table's cells are not also left as lines of values
    assert "Note: tickets bought on board cost one euro more." in text  # a framed note is text


def test_a_pdf_table_typeset_over_pages_is_one_table_with_each_row_on_its_page(tmp_path):
    document = load(formats.write_long_table_pdf(tmp_path / "berths.pdf"))
    [table] = document.tables
    assert table.header == ("Berth", "Length", "Depth") and len(table.rows) == 120
    assert [row.number for row in table.rows] == list(range(2, 122))
    assert len(document.pages) >= 3 and page_of(document, "Berth: Berth 120;") == len(document.pages)
    assert section_of(document, "Berth: Berth 120;") == "berths: table 1, row 121"


def test_scanned_pdf_is_read_by_ocr(tmp_path):
    from index.loaders import ocr

    if not ocr.available():
        pytest.skip("Tesseract is not installed: sudo apt-get install tesseract-ocr")
    document = load(formats.write_scanned_pdf(tmp_path / "scan.pdf"))
    assert "painted green in 1987" in " ".join(document.text.split())
    assert [p.number for p in document.pages] == [1]


def test_scanned_pdf_without_tesseract_names_the_fix(tmp_path, monkeypatch):
    from index.loaders import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(LoadError, match=r"scan\.pdf: page 1 is a scanned image.*apt-get install tesseract-ocr"):
        load(formats.write_scanned_pdf(tmp_path / "scan.pdf"))


def test_pptx_slides_are_pages_with_their_titles_and_notes(tmp_path):
    document = load(formats.write_pptx(tmp_path / "review.pptx"))
    assert page_of(document, "ships orders within two days") == 2
    assert section_of(document, "ships orders within two days") == "Slide 2: Shipping"
    assert "Notes: Mention the new forklift." in document.text


def test_xlsx_rows_carry_their_headers_and_sheet_names(tmp_path):
    document = load(formats.write_xlsx(tmp_path / "tariffs.xlsx"))
    assert "Plan: Season ticket; Price: 480 kroner; Notes: valid for one year" in document.text
    assert section_of(document, "Season ticket") == "tariffs: Prices, row 3"
    assert section_of(document, "Harbour Trust") == "tariffs: Summary, row 2"
    summary, prices = document.tables
    assert (prices.title, prices.header) == ("tariffs: Prices", ("Plan", "Price", "Notes"))
    season = prices.rows[1]
    assert (season.number, season.cells) == (3, ("Season ticket", "480 kroner", "valid for one year"))
    assert document.text[season.start : season.end] == prices.record(season)


def test_csv_rows_carry_their_headers(tmp_path):
    document = load(formats.write_csv(tmp_path / "ferries.csv"))
    assert "ferry: Evening Gull; departs: 19:40; pier: Pier 9." in document.text
    (table,) = document.tables
    assert table.title == "ferries" and [r.cells[0] for r in table.rows] == ["Morning Star", "Evening Gull"]


def test_spreadsheet_dates_read_as_written(tmp_path):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["release", "date"])
    book.active.append(["10", dt.datetime(2019, 7, 6)])
    book.save(tmp_path / "dates.xlsx")
    (table,) = load(tmp_path / "dates.xlsx").tables
    assert table.rows[0].cells == ("10", "2019-07-06")


def test_ods_sheets_are_tables(tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    book = OpenDocumentSpreadsheet()
    sheet = Table(name="Ferries")
    for cells in (["ferry", "pier"], ["Morning Star", "Pier 4"]):
        row = TableRow()
        for value in cells:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        sheet.addElement(row)
    book.spreadsheet.addElement(sheet)
    book.save(str(tmp_path / "harbour.ods"))
    document = load(tmp_path / "harbour.ods")
    assert "ferry: Morning Star; pier: Pier 4." in document.text
    assert document.tables[0].title == "harbour: Ferries"


def test_epub_chapters_are_sections_in_reading_order(tmp_path):
    document = load(formats.write_epub(tmp_path / "book.epub"))
    assert document.title == "Lighthouses of the North"
    assert document.text.index("Skagen") < document.text.index("Hanstholm")
    assert section_of(document, "installed in 1843") == "Lenses"


def test_odt_headings_are_sections(tmp_path):
    document = load(formats.write_odt(tmp_path / "garden.odt"))
    assert section_of(document, "closes at four") == "Opening hours"


@pytest.mark.parametrize("name", ["broken.pptx", "broken.xlsx", "broken.epub", "broken.odt"])
def test_broken_office_files_name_the_file_and_the_fix(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"this is not a zip archive")
    with pytest.raises(LoadError, match=name.replace(".", r"\.") + r": not a readable .*(re-save|re-export)"):
        load(path)


def test_a_data_table_in_html_is_kept_as_a_table_under_its_caption_and_the_text_after_it_under_its_heading(tmp_path):
    page = tmp_path / "mirrors.html"
    page.write_text("<html><body><h2>Mirrors</h2><table><caption>Debian mirrors</caption>"
                    "<tr><th>Mirror</th><th>Country</th></tr><tr><td>ftp.de.debian.org</td><td>Germany</td></tr>"
                    "<tr><td>ftp.fr.debian.org</td><td>France</td></tr></table><p>Pick the nearest one.</p>"
                    "<table><tr><td><a href='a'>layout</a></td></tr></table></body></html>", encoding="utf-8")
    document = load(page)
    (table,) = document.tables
    assert (table.title, table.header) == ("Debian mirrors", ("Mirror", "Country"))
    assert "Mirror: ftp.fr.debian.org; Country: France." in document.text
    assert section_of(document, "ftp.fr.debian.org") == "Debian mirrors, row 3"
    assert section_of(document, "Pick the nearest") == "Mirrors"


def test_a_docx_table_is_kept_as_a_table(tmp_path):
    import docx

    report = docx.Document()
    report.add_paragraph("Berths in the harbour.")
    grid = report.add_table(rows=3, cols=2)
    for r, cells in enumerate((("berth", "length"), ("North Quay", "240 m"), ("South Quay", "180 m"))):
        for c, value in enumerate(cells):
            grid.cell(r, c).text = value
    report.save(tmp_path / "harbour.docx")
    document = load(tmp_path / "harbour.docx")
    (table,) = document.tables
    assert table.title == "harbour: table 1" and table.rows[1].cells == ("South Quay", "180 m")
    assert "berth: South Quay; length: 180 m." in document.text


def test_a_docx_table_stands_where_it_is_under_its_heading(tmp_path):
    import docx

    report = docx.Document()
    report.add_heading("Berths", level=1)
    grid = report.add_table(rows=2, cols=2)
    for r, cells in enumerate((("berth", "length"), ("North Quay", "240 m"))):
        for c, value in enumerate(cells):
            grid.cell(r, c).text = value
    report.add_paragraph("Pilots board at the outer buoy.")
    report.add_heading("Fees", level=1)
    report.add_paragraph("Mooring costs 40 crowns a night.")
    report.save(tmp_path / "harbour.docx")
    document = load(tmp_path / "harbour.docx")
    (table,) = document.tables
    assert table.title == "Berths"
    text = document.text
    assert text.index("North Quay") < text.index("Pilots board") < text.index("Mooring costs")
    assert section_of(document, "North Quay") == "Berths, row 2"
    assert section_of(document, "Pilots board") == "Berths"


def test_an_odt_table_is_kept_as_a_table(tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import H, P

    odt = OpenDocumentText()
    odt.text.addElement(H(outlinelevel=1, text="Ferry times"))
    odt.text.addElement(P(text="Boats leave from pier two."))
    table = Table(name="Table1")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    header = TableHeaderRows()
    table.addElement(header)
    for r, cells in enumerate((("boat", "departs"), ("Morning Star", "07:15"), ("Evening Gull", "19:40"))):
        row = TableRow()
        for value in cells:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        (header if r == 0 else table).addElement(row)
    odt.text.addElement(table)
    odt.text.addElement(P(text="Tickets are sold on board."))
    odt.save(str(tmp_path / "ferries.odt"))
    document = load(tmp_path / "ferries.odt")
    (found,) = document.tables
    assert (found.title, found.header) == ("Ferry times", ("boat", "departs"))
    assert [r.cells for r in found.rows] == [("Morning Star", "07:15"), ("Evening Gull", "19:40")]
    assert "boat: Evening Gull; departs: 19:40." in document.text
    assert section_of(document, "Tickets are sold") == "Ferry times"


def test_word_content_controls_text_boxes_and_footnotes_are_read_where_they_stand(tmp_path):
    document = load(formats.write_word_manual(tmp_path / "pump.docx"))
    text = document.text
    assert "The pump is made by Velonord in Tampere." in text  # the cover page's content control
    assert "Rinse the filter every 30 days under running water." in text  # a form field in the sentence
    assert text.count("CAUTION: never run the pump dry.") == 1  # the text box, once
    assert text.index("packs of three") < text.index("CAUTION") < text.index("seals are rated")
    assert "[1] Tested to EN 60335 by the maker." in text
    assert "........" not in text  # the table of contents' control
    assert section_of(document, "Rinse the filter") == "Cleaning the filter"


def test_markdown_headings_open_sections_and_its_markup_stays_out_of_the_text(tmp_path):
    path = tmp_path / "pump.md"
    path.write_text("# AquaFlow 300\n\nThe pump is made by **Velonord** in Tampere ([site](https://velonord.example)).\n\n"
                    "## Cleaning the filter\n\nRinse the filter every *30 days*.\n\n"
                    "| Part | Price |\n|---|---|\n| Filter | 12 euros |\n| Seal kit | 30 euros |\n\n"
                    "```\nsudo aquaflow --rinse\n```\n")
    document = load(path)
    text = document.text
    assert "The pump is made by Velonord in Tampere (site)." in text
    assert "**" not in text and "https://" not in text and "```" not in text and "# " not in text
    assert section_of(document, "Rinse the filter") == "Cleaning the filter"
    assert "Part: Seal kit; Price: 30 euros." in text  # a table's row as a record, as in HTML
    assert "sudo aquaflow --rinse" in text
