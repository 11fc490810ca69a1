"""The gazetteer tests assert messages in English, whatever the Khmer catalogue holds."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield
