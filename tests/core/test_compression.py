"""Pages travel compressed to a phone that asks for it; static files keep WhiteNoise's own."""

from __future__ import annotations

import gzip


def test_a_page_is_sent_compressed_to_a_client_that_accepts_it(client, db):
    plain = client.get("/accounts/login/")
    packed = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content).decode().count("<form") == plain.content.decode().count("<form")
    assert len(packed.content) < len(plain.content)
