"""Tesseract's typical slips in the names manuals are read for, undone on OCR'd text
only where the fix makes a known word or the document's own."""

from index.loaders.ocr import from_data
from index.loaders.ocr_fixes import repaired, vocabulary


def fix(text: str, *elsewhere: str) -> str:
    return repaired(text, vocabulary([text, *elsewhere]))


def test_digits_read_for_letters_are_put_back_when_that_makes_a_known_word():
    assert fix("load <MIME>/text/htm1.xm1 first") == "load <MIME>/text/html.xml first"
    assert fix("a glob-deleteal1 element", "the glob-deleteall element") == "a glob-deleteall element"


def test_numbers_numeronyms_and_real_names_with_digits_stay():
    text = "run for 100m in v10, see i18n and asn1Parser, md5sum and x86"
    assert fix(text) == text


def test_a_file_name_split_at_its_dot_is_joined_and_sentences_are_not():
    assert fix("Any file named Override. xml takes precedence.") == "Any file named Override.xml takes precedence."
    assert fix("It ends here. Then the next one. xmlish stays") == "It ends here. Then the next one. xmlish stays"


def test_an_option_and_a_bullet_read_as_other_marks():
    assert fix("use ==strict to fail") == "use --strict to fail"
    assert fix("list:\n* first item\n« second item") == "list:\n• first item\n• second item"
    assert fix("a == b") == "a == b"


def test_tesseract_words_become_lines_and_paragraphs_with_the_uncertain_ones_named():
    data = {"text": ["Pump", "QX-773i", "", "serviced", "yearly."], "conf": [96, 31, -1, 95, 93],
            "block_num": [1, 1, 1, 1, 2], "par_num": [1, 1, 1, 1, 1], "line_num": [1, 1, 1, 2, 1]}
    read = from_data(data)
    assert read.text == "Pump QX-773i\nserviced\n\nyearly."
    assert read.uncertain == ("QX-773i",)
