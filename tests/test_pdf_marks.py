"""A paper's superscripts read as what they are: reference and footnote marks apart from
their words ("2.7 [3–5]", not "2.735"), exponents as exponents ("10⁻³", "m²"), and
subscripts left in their formula ("H2O")."""

from __future__ import annotations

from helpers import formats
from index.loaders import load_file
from index.loaders.pdf_marks import written


def test_marks_exponents_and_subscripts_of_a_pdf_read_as_they_are_meant(tmp_path):
    [document] = load_file(formats.write_paper_with_marks(tmp_path / "paper.pdf"), "paper.pdf")
    text = document.text
    assert "estimated at 2.7 [3–5], and" in text  # before: "estimated at 2.73-5, and"
    assert "five days on average [1]. Hand" in text
    assert "reduces transmission [6] in households" in text  # before: "transmission6in"
    assert "The dose was 10⁻³ mg per kg" in text
    assert "40 m² in all" in text
    assert "CO2 and H2O were measured in the 21st week" in text
    assert "[1] Measured from exposure" in text  # the footnote, under its mark
    assert document.section_at(text.index("The dose was")) == "Abstract"  # a paper's unnumbered heading


def test_a_mark_is_written_by_what_it_follows():
    assert written("3\x155", "estimated at 2.7", ",") == " [3–5]"  # a T1 font's en dash
    assert written("1, 2", "birds and mammals", ".") == " [1, 2]"
    assert written("6", "transmission", "in") == " [6] "
    assert written("2", "the room was 12 m", " ") == "²"
    assert written("-3", "a dose of 10", " ") == "⁻³"
    assert written("2", "where x", " ") == "²"
    assert written("◦", "boils at 100", "C") == "°"
    assert written("st", "the 21", " ") == "st"
    assert written("1", "", "M") == "[1] "


def test_a_mark_after_a_short_word_is_a_reference_not_an_exponent():
    assert written("2", "in 2020 and", " ") == " [2]"
    assert written("3", "this is a", " ") == " [3]"


def test_a_small_number_raised_after_a_small_number_is_a_power():
    assert written("31", "the constant value 2 ", " ") == "³¹"
    assert written("6", "about 10", " ") == "⁶"
    assert written("3", "estimated at 2.7", ",") == " [3]"
    assert written("4", "first seen in 2020", ".") == " [4]"


def test_underscores_drawn_as_rules_read_as_underscores(tmp_path):
    """texinfo and LaTeX's OT1 fonts draw "\\_" as a short rule: pdfium read "asn1 node", a
    name nobody searches for and no answer may quote as the manual writes it."""
    [document] = load_file(formats.write_manual_with_drawn_underscores(tmp_path / "manual.pdf"), "manual.pdf")
    text = document.text
    assert "asn1_der_coding" in text.split()[0]  # before: "asn1 der coding"
    assert "(asn1_node element, char * error_desc)" in " ".join(text.split())  # before: "(asn1 node element"
    assert "error_desc: return the error description" in text
    assert "longer than ASN1_MAX_NAME_SIZE characters" in text  # before: "ASN1_MAX_ NAME_SIZE"
    assert "See also: Go to the index." in text  # an underlined word has no underscore


def test_an_accent_set_before_its_letter_reads_as_the_accented_letter(tmp_path):
    """TeX's OT1 fonts set "ö" as "¨" then "o": pdfium read "Niels M¨oller"."""
    [document] = load_file(formats.write_manual_with_drawn_underscores(tmp_path / "manual.pdf"), "manual.pdf")
    assert "Written by Niels Möller and Michaël Peeters; it´s free software." in document.text
