"""A command's language: ``--language auto`` follows the terminal's locale."""

from __future__ import annotations

from safevillage.core.command_language import terminal_language


def test_a_khmer_locale_asks_for_khmer_and_any_other_for_english():
    assert terminal_language({"LANG": "km_KH.UTF-8"}) == "km"
    assert terminal_language({"LANG": "C.UTF-8"}) == "en"
    assert terminal_language({}) == "en"


def test_lc_all_then_lc_messages_then_lang_decide_as_the_c_library_reads_them():
    assert terminal_language({"LC_ALL": "en_US.UTF-8", "LANG": "km_KH.UTF-8"}) == "en"
    assert terminal_language({"LC_MESSAGES": "km_KH.UTF-8", "LANG": "en_US.UTF-8"}) == "km"
    assert terminal_language({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "km_KH"}) == "km"
