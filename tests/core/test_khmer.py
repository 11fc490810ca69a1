from safevillage.core.khmer import columns, latin_skeleton, normalise, to_ascii_digits, to_khmer_digits


def test_subscript_da_and_ta_spellings_of_kandal_normalise_alike():
    assert normalise("កណ្តាល") == normalise("កណ្ដាល")


def test_khmer_vowel_signs_are_kept_so_different_names_stay_different():
    # កុក and កក differ only by a vowel sign; dropping marks would make them equal.
    assert normalise("កុក") != normalise("កក")
    assert normalise("ក្រុង") == "ក្រុង"


def test_spaces_punctuation_and_zero_width_marks_are_ignored():
    assert normalise("Kampong  Trabaek") == normalise("kampong-trabaek") == "kampongtrabaek"
    assert normalise("កំពង់\u200bត្របែក") == normalise("កំពង់ត្របែក")


def test_romanisations_that_differ_in_vowels_share_a_skeleton():
    assert latin_skeleton("Kampong Trabek") == latin_skeleton("Kampong Trabaek")
    assert latin_skeleton("Kansaom Ak") == latin_skeleton("Kansoam Ak")
    assert latin_skeleton("Battambang") != latin_skeleton("Pursat")


def test_digits_convert_both_ways():
    assert to_khmer_digits(2026) == "២០២៦"
    assert to_ascii_digits("០៨") == "08"
    assert normalise("០៨") == "08"


def test_marks_written_above_or_below_take_no_column_as_in_a_terminal():
    # ប៉ុស្តិ៍: ប, ស, ត take a column each; the marks and the coeng sit on them.
    assert columns("ប៉ុស្តិ៍") == 3
    assert columns("មេភូមិ") == 4
    assert columns("Kandal") == 6
