"""core.documents: official PDFs embed their inline images (signatures as data: URLs) and fetch nothing else."""

import base64
import io
import random

from django.template import engines

from core import documents


def _noise_png() -> str:
    from PIL import Image

    generator = random.Random(7)
    image = Image.new("L", (160, 160))
    image.putdata([generator.randrange(256) for _ in range(160 * 160)])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _pdf(monkeypatch, html: str) -> bytes:
    template = engines["django"].from_string(html)
    monkeypatch.setattr(documents, "render_to_string", lambda name, context: template.render(context))
    return documents.pdf_from_template("inline.html", {})


def test_a_signature_given_as_a_data_url_is_in_the_pdf(monkeypatch):
    bare = _pdf(monkeypatch, "<p>签名</p>")
    signed = _pdf(monkeypatch, f'<p>签名</p><img src="{_noise_png()}" width="120">')
    assert len(signed) > len(bare) + 10_000  # the image's incompressible pixels are embedded


def test_the_renderer_fetches_no_file_and_no_web_address(monkeypatch, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(base64.b64decode(_noise_png().split(",", 1)[1]))
    bare = _pdf(monkeypatch, "<p>签名</p>")
    fetched = _pdf(monkeypatch, f'<p>签名</p><img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">')
    assert len(fetched) < len(bare) + 2_000
